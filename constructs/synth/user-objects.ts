import { ApiObject, Chart, DependencyGraph } from 'cdk8s';
import { IConstruct } from 'constructs';

/** ApiObjects of a chart that the user added (not rendered by the mesh), in cdk8s's order. @internal */
export function userApiObjects(chart: Chart, renderedRoot: IConstruct | undefined): ApiObject[] {
  return new DependencyGraph(chart.node).topology()
    .filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart)
    .filter((c) => !renderedRoot || !c.node.scopes.includes(renderedRoot));
}
