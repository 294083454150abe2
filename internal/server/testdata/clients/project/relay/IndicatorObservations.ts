import { graphql } from "relay-runtime";

export const IndicatorObservations = graphql`
  fragment IndicatorObservations_indicator on Indicator
  @refetchable(queryName: "IndicatorObservationsPaginationQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 10 }, cursor: { type: "String" }) {
    code
    name
    observations(first: $count, after: $cursor) @connection(key: "IndicatorObservations_observations") {
      edges {
        node { id value period { label } }
      }
    }
  }
`;
