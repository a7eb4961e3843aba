/** The statements pg-boss sends (an internal module of pg-boss 10, without types of its own). */
declare module 'pg-boss/src/plans' {
  export function completeJobs(schema: string): string;
  export function failJobsById(schema: string): string;
}
