import { graphql } from "relay-runtime";

export const AppQuery = graphql`
  query AppQuery($code: String!) {
    indicator(code: $code) {
      ...IndicatorObservations_indicator
    }
  }
`;
