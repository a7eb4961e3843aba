/** A project's finances; every figure is read when asked for, through the request's loaders. */
export interface ProjectFinancesValue {
  projectId: string;
}
