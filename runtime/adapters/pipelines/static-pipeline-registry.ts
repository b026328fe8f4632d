/**
 * Pipelines fixed at start-up: the local default pipeline, or the one a deployed environment was
 * provisioned with (its id and topic come from the function's environment).
 */
import type { Pipeline } from '../../core/model';
import type { PipelineRegistry } from '../../core/ports';

export class StaticPipelineRegistry implements PipelineRegistry {
  private readonly byId: ReadonlyMap<string, Pipeline>;

  constructor(
    pipelines: readonly Pipeline[],
    readonly defaultPipelineId?: string,
  ) {
    this.byId = new Map(pipelines.map((p) => [p.id, p]));
    if (defaultPipelineId !== undefined && !this.byId.has(defaultPipelineId)) {
      throw new Error(`StaticPipelineRegistry: default pipeline "${defaultPipelineId}" is not among the pipelines given`);
    }
  }

  async get(id: string): Promise<Pipeline | undefined> {
    return this.byId.get(id);
  }

  list(): Pipeline[] {
    return [...this.byId.values()];
  }
}
