// Retention periods CloudWatch Logs accepts (PutRetentionPolicy).
export const acceptedRetentionDays: readonly number[] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

export const maxRetentionDays = 3653;

export function isAcceptedRetention(days: number): boolean {
    return acceptedRetentionDays.includes(days);
}

/** The retention policy's default minimumRetentionDays. */
export const defaultMinimumRetentionDays = 30;

/** The smallest retention CloudWatch accepts within the bounds. */
export function suggestedRetention(minimumDays: number, maximumDays: number | undefined): number {
    const fit = acceptedRetentionDays.find((d) => d >= minimumDays && (maximumDays === undefined || d <= maximumDays));
    return fit ?? Math.max(minimumDays, 1);
}
