/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation SupportWish($wishId: ID!) {\n    supportWish(wishId: $wishId) {\n      __typename\n      ... on SupportWishSuccess {\n        wish { id title supporters }\n      }\n      ... on CommunityError {\n        code\n        message\n      }\n    }\n  }\n": typeof types.SupportWishDocument,
    "\n  query WebhookNeighbourhood($slug: String!) {\n    neighbourhood(slug: $slug) { id name }\n  }\n": typeof types.WebhookNeighbourhoodDocument,
    "\n  mutation SubscribeToEntries($input: CreateWebhookSubscriptionInput!) {\n    createWebhookSubscription(input: $input) {\n      __typename\n      ... on CreateWebhookSubscriptionSuccess { secret subscription { id } }\n      ... on CommunityError { code message }\n    }\n  }\n": typeof types.SubscribeToEntriesDocument,
    "\n  mutation Unsubscribe($id: ID!) {\n    deleteWebhookSubscription(id: $id) { __typename }\n  }\n": typeof types.UnsubscribeDocument,
    "\n  query PostedEntry($id: ID!) {\n    ledgerEntry(id: $id) {\n      sequence\n      bookingDate\n      description\n      lines { side account { code name } amount { amount unit } }\n    }\n  }\n": typeof types.PostedEntryDocument,
    "\n  query NeighbourhoodReport($slug: String!) {\n    neighbourhood(slug: $slug) {\n      name\n      municipality { name }\n      projects(first: 50) {\n        edges {\n          node {\n            title\n            status\n            finances {\n              spent { amount }\n              budget { amount }\n            }\n            sroi { ratio }\n          }\n        }\n      }\n      wishes(first: 100) { edges { node { title supporters status } } }\n      polls(first: 10) { edges { node { title status participantCount resultsHidden results { theme { name } points } } } }\n    }\n  }\n": typeof types.NeighbourhoodReportDocument,
};
const documents: Documents = {
    "\n  mutation SupportWish($wishId: ID!) {\n    supportWish(wishId: $wishId) {\n      __typename\n      ... on SupportWishSuccess {\n        wish { id title supporters }\n      }\n      ... on CommunityError {\n        code\n        message\n      }\n    }\n  }\n": types.SupportWishDocument,
    "\n  query WebhookNeighbourhood($slug: String!) {\n    neighbourhood(slug: $slug) { id name }\n  }\n": types.WebhookNeighbourhoodDocument,
    "\n  mutation SubscribeToEntries($input: CreateWebhookSubscriptionInput!) {\n    createWebhookSubscription(input: $input) {\n      __typename\n      ... on CreateWebhookSubscriptionSuccess { secret subscription { id } }\n      ... on CommunityError { code message }\n    }\n  }\n": types.SubscribeToEntriesDocument,
    "\n  mutation Unsubscribe($id: ID!) {\n    deleteWebhookSubscription(id: $id) { __typename }\n  }\n": types.UnsubscribeDocument,
    "\n  query PostedEntry($id: ID!) {\n    ledgerEntry(id: $id) {\n      sequence\n      bookingDate\n      description\n      lines { side account { code name } amount { amount unit } }\n    }\n  }\n": types.PostedEntryDocument,
    "\n  query NeighbourhoodReport($slug: String!) {\n    neighbourhood(slug: $slug) {\n      name\n      municipality { name }\n      projects(first: 50) {\n        edges {\n          node {\n            title\n            status\n            finances {\n              spent { amount }\n              budget { amount }\n            }\n            sroi { ratio }\n          }\n        }\n      }\n      wishes(first: 100) { edges { node { title supporters status } } }\n      polls(first: 10) { edges { node { title status participantCount resultsHidden results { theme { name } points } } } }\n    }\n  }\n": types.NeighbourhoodReportDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SupportWish($wishId: ID!) {\n    supportWish(wishId: $wishId) {\n      __typename\n      ... on SupportWishSuccess {\n        wish { id title supporters }\n      }\n      ... on CommunityError {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SupportWish($wishId: ID!) {\n    supportWish(wishId: $wishId) {\n      __typename\n      ... on SupportWishSuccess {\n        wish { id title supporters }\n      }\n      ... on CommunityError {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookNeighbourhood($slug: String!) {\n    neighbourhood(slug: $slug) { id name }\n  }\n"): (typeof documents)["\n  query WebhookNeighbourhood($slug: String!) {\n    neighbourhood(slug: $slug) { id name }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SubscribeToEntries($input: CreateWebhookSubscriptionInput!) {\n    createWebhookSubscription(input: $input) {\n      __typename\n      ... on CreateWebhookSubscriptionSuccess { secret subscription { id } }\n      ... on CommunityError { code message }\n    }\n  }\n"): (typeof documents)["\n  mutation SubscribeToEntries($input: CreateWebhookSubscriptionInput!) {\n    createWebhookSubscription(input: $input) {\n      __typename\n      ... on CreateWebhookSubscriptionSuccess { secret subscription { id } }\n      ... on CommunityError { code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Unsubscribe($id: ID!) {\n    deleteWebhookSubscription(id: $id) { __typename }\n  }\n"): (typeof documents)["\n  mutation Unsubscribe($id: ID!) {\n    deleteWebhookSubscription(id: $id) { __typename }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PostedEntry($id: ID!) {\n    ledgerEntry(id: $id) {\n      sequence\n      bookingDate\n      description\n      lines { side account { code name } amount { amount unit } }\n    }\n  }\n"): (typeof documents)["\n  query PostedEntry($id: ID!) {\n    ledgerEntry(id: $id) {\n      sequence\n      bookingDate\n      description\n      lines { side account { code name } amount { amount unit } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NeighbourhoodReport($slug: String!) {\n    neighbourhood(slug: $slug) {\n      name\n      municipality { name }\n      projects(first: 50) {\n        edges {\n          node {\n            title\n            status\n            finances {\n              spent { amount }\n              budget { amount }\n            }\n            sroi { ratio }\n          }\n        }\n      }\n      wishes(first: 100) { edges { node { title supporters status } } }\n      polls(first: 10) { edges { node { title status participantCount resultsHidden results { theme { name } points } } } }\n    }\n  }\n"): (typeof documents)["\n  query NeighbourhoodReport($slug: String!) {\n    neighbourhood(slug: $slug) {\n      name\n      municipality { name }\n      projects(first: 50) {\n        edges {\n          node {\n            title\n            status\n            finances {\n              spent { amount }\n              budget { amount }\n            }\n            sroi { ratio }\n          }\n        }\n      }\n      wishes(first: 100) { edges { node { title supporters status } } }\n      polls(first: 10) { edges { node { title status participantCount resultsHidden results { theme { name } points } } } }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;