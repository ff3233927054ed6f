// The Analyzer protocol's generated code, loaded the way the engine's peer
// (the pack) loads it. The generated serializers check `instanceof` against
// their own copies of google-protobuf and @grpc/grpc-js, so both are resolved
// from @pulumi/pulumi's own directory rather than from wherever this file
// happens to sit; a second copy of either would make every request fail with
// "Expected argument of type ...".
import type * as grpcTypes from "@grpc/grpc-js";
import type * as analyzerGrpcTypes from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import type * as analyzerTypes from "@pulumi/pulumi/proto/analyzer_pb";
import type * as emptyTypes from "google-protobuf/google/protobuf/empty_pb";
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";
import * as path from "path";

export interface ProtoModules {
    grpc: typeof grpcTypes;
    analyzer: typeof analyzerTypes;
    analyzerGrpc: typeof analyzerGrpcTypes;
    struct: typeof structTypes;
    empty: typeof emptyTypes;
    /** Directory of the @pulumi/pulumi package the modules came from. */
    pulumiDir: string;
}

let cached: ProtoModules | undefined;

/** The @pulumi/pulumi package directory this driver runs against. */
export function pulumiPackageDir(): string {
    return path.dirname(require.resolve("@pulumi/pulumi/package.json"));
}

export function loadProto(): ProtoModules {
    if (cached !== undefined) {
        return cached;
    }
    const pulumiDir = pulumiPackageDir();
    const fromPulumi = (id: string) => require(require.resolve(id, { paths: [pulumiDir] }));
    cached = {
        grpc: fromPulumi("@grpc/grpc-js"),
        analyzer: require(path.join(pulumiDir, "proto", "analyzer_pb")),
        analyzerGrpc: require(path.join(pulumiDir, "proto", "analyzer_grpc_pb")),
        struct: fromPulumi("google-protobuf/google/protobuf/struct_pb"),
        empty: fromPulumi("google-protobuf/google/protobuf/empty_pb"),
        pulumiDir,
    };
    return cached;
}
