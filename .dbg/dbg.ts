import { AnalysisWorkerClient } from "../engine/protocol/analysis-worker-client";
process.on("uncaughtException", (e) => { console.log("UNCAUGHT", e && (e as Error).stack); });
const c = new AnalysisWorkerClient();
setTimeout(() => { console.log("alive"); void c.close(); }, 8000);
