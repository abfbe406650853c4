/** The monitoring options at their defaults, for the test fixtures that spell out complete answers. */
export const monitoringAnswers = {
  sloObjective: '99.9',
  errorRateThreshold: '1',
  latencyThreshold: '1',
  cpuThreshold: '80',
  memoryThreshold: '90',
  diskFreeThreshold: '20',
  certificateExpiryDays: '14',
  maintenanceWindow: 'none',
} as const;
