import { GraphQLJSONObject } from 'graphql-scalars';

/** Free-form JSON objects (hyperparameters, specs, parameters). */
export const JSONObject = GraphQLJSONObject;
