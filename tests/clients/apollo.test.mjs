// The API as a React/Apollo app and a CI script drive it: Apollo Client 4 with
// relayStylePagination, apollo-upload-client's UploadHttpLink and PersistedQueryLink.
// tests/test_node_clients.py starts a live server and runs `node --test` here with
// GRAPHQL_URL (the endpoint) and PHOTOS (a folder of distinct JPEGs).
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";
import { test } from "node:test";

import { ApolloClient, ApolloLink, InMemoryCache, gql } from "@apollo/client";
import { SetContextLink } from "@apollo/client/link/context";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { relayStylePagination } from "@apollo/client/utilities";
import UploadHttpLink from "apollo-upload-client/UploadHttpLink.mjs";

const URL = process.env.GRAPHQL_URL;
const PHOTOS = readdirSync(process.env.PHOTOS)
  .sort()
  .map((name) => join(process.env.PHOTOS, name));

const requests = []; // every request the clients sent: [method, body or query string]
async function recordingFetch(uri, options) {
  const url = new globalThis.URL(uri);
  requests.push([options.method, options.method === "GET" ? url.search : options.body]);
  return fetch(uri, options);
}

function client({ authorization, persisted = false } = {}) {
  const auth = new SetContextLink(({ headers }) => ({
    headers: { ...headers, ...(authorization ? { Authorization: authorization } : {}) },
  }));
  const http = new UploadHttpLink({ uri: URL, fetch: recordingFetch });
  const links = [auth];
  if (persisted) {
    const sha256 = (text) => createHash("sha256").update(text).digest("hex");
    links.push(new PersistedQueryLink({ sha256, useGETForHashedQueries: true }));
  }
  return new ApolloClient({
    link: ApolloLink.from([...links, http]),
    cache: new InMemoryCache({
      typePolicies: {
        Query: {
          fields: {
            feed: relayStylePagination(),
            photos: relayStylePagination(["filters", "order"]),
          },
        },
      },
    }),
  });
}

const PHOTO = gql`
  fragment PhotoFields on Photo {
    id
    caption
    status
    likesCount
    viewerHasLiked
  }
`;
const UPLOAD = gql`
  mutation Upload($file: Upload!, $caption: String) {
    uploadPhoto(input: { file: $file, caption: $caption }) {
      __typename
      ...PhotoFields
      ... on OperationInfo { messages { code field message } }
    }
  }
  ${PHOTO}
`;
const PUBLISH = gql`
  mutation Publish($id: ID!) {
    publishPhoto(input: { id: $id }) { __typename ...PhotoFields }
  }
  ${PHOTO}
`;
const FEED = gql`
  query Feed($first: Int!, $after: String) {
    feed(first: $first, after: $after) {
      edges { cursor node { ...PhotoFields } }
      pageInfo { hasNextPage endCursor }
    }
  }
  ${PHOTO}
`;

const state = {};

async function upload(apollo, path, caption) {
  const file = new File([readFileSync(path)], "photo.jpg", { type: "image/jpeg" });
  const { data } = await apollo.mutate({ mutation: UPLOAD, variables: { file, caption } });
  assert.equal(data.uploadPhoto.__typename, "Photo", JSON.stringify(data.uploadPhoto));
  const published = await apollo.mutate({ mutation: PUBLISH, variables: { id: data.uploadPhoto.id } });
  assert.equal(published.data.publishPhoto.status, "PUBLISHED");
  return published.data.publishPhoto;
}

test("register and sign in", async () => {
  const anonymous = client();
  const username = `apollo_${randomBytes(4).toString("hex")}`;
  const password = "apollo-client-passphrase-4";
  const { data } = await anonymous.mutate({
    mutation: gql`
      mutation Register($input: RegisterInput!) {
        register(input: $input) { __typename ... on User { id username email } }
      }
    `,
    variables: { input: { username, email: `${username}@example.com`, password } },
  });
  assert.deepEqual(
    { ...data.register, id: undefined },
    { __typename: "User", id: undefined, username, email: `${username}@example.com` },
  );
  const login = await anonymous.mutate({
    mutation: gql`
      mutation Login($username: String!, $password: String!) {
        tokenAuth(username: $username, password: $password) { token }
      }
    `,
    variables: { username, password },
  });
  state.jwt = login.data.tokenAuth.token;
  state.apollo = client({ authorization: `JWT ${state.jwt}` });
});

test("upload with UploadHttpLink, publish, and scroll the feed with an insert between pages", async () => {
  const apollo = state.apollo;
  for (const [n, path] of PHOTOS.slice(0, 3).entries()) {
    await upload(apollo, path, `scroll ${n} #apollo`);
  }
  const multipart = requests.filter(([, body]) => body instanceof FormData);
  assert.equal(multipart.length, 3, "uploads go as multipart requests");

  // As a React list does: a watched query, and fetchMore for the next page.
  const feed = apollo.watchQuery({ query: FEED, variables: { first: 2 } });
  let subscription;
  const first = await new Promise((resolve, reject) => {
    subscription = feed.subscribe({
      next: (result) => !result.loading && result.data && resolve(result),
      error: reject,
    });
  });
  const firstPage = first.data.feed.edges.map((edge) => edge.node.caption);
  assert.deepEqual(firstPage, ["scroll 2 #apollo", "scroll 1 #apollo"]);

  await upload(apollo, PHOTOS[3], "published between pages #apollo");

  const more = await feed.fetchMore({
    variables: { after: first.data.feed.pageInfo.endCursor },
  });
  subscription.unsubscribe();
  assert.deepEqual(
    more.data.feed.edges.map((edge) => edge.node.caption),
    ["scroll 0 #apollo"],
    "the next page neither repeats nor skips a row",
  );
  const merged = apollo.readQuery({ query: FEED, variables: { first: 2 } });
  assert.deepEqual(
    merged.feed.edges.map((edge) => edge.node.caption),
    ["scroll 2 #apollo", "scroll 1 #apollo", "scroll 0 #apollo"],
  );
  state.photoId = merged.feed.edges[0].node.id;
});

const TAGGED = gql`
  query Tagged($first: Int!, $after: String) {
    photos(first: $first, after: $after, filters: { tags: ["apollo"] }) {
      totalCount
      edges { cursor node { ...PhotoFields } }
      pageInfo { hasNextPage endCursor }
    }
  }
  ${PHOTO}
`;

test("scroll a filtered photos list with an insert between pages", async () => {
  const apollo = state.apollo;
  const list = apollo.watchQuery({ query: TAGGED, variables: { first: 2 } });
  let subscription;
  const first = await new Promise((resolve, reject) => {
    subscription = list.subscribe({
      next: (result) => !result.loading && result.data && resolve(result),
      error: reject,
    });
  });
  assert.deepEqual(
    first.data.photos.edges.map((edge) => edge.node.caption),
    ["published between pages #apollo", "scroll 2 #apollo"],
  );
  assert.equal(first.data.photos.totalCount, 4);

  await upload(apollo, PHOTOS[4], "another between pages #apollo");

  const more = await list.fetchMore({ variables: { after: first.data.photos.pageInfo.endCursor } });
  subscription.unsubscribe();
  assert.deepEqual(
    more.data.photos.edges.map((edge) => edge.node.caption),
    ["scroll 1 #apollo", "scroll 0 #apollo"],
    "the next page neither repeats nor skips a row",
  );
  assert.equal(more.data.photos.totalCount, 5);
  const merged = apollo.readQuery({ query: TAGGED, variables: { first: 2 } });
  assert.deepEqual(
    merged.photos.edges.map((edge) => edge.node.caption),
    ["published between pages #apollo", "scroll 2 #apollo", "scroll 1 #apollo", "scroll 0 #apollo"],
  );
});

test("a like updates the cached photo everywhere (normalisation)", async () => {
  const apollo = state.apollo;
  await apollo.mutate({
    mutation: gql`
      mutation Like($id: ID!) {
        likePhoto(input: { photoId: $id }) { __typename ... on Photo { id likesCount viewerHasLiked } }
      }
    `,
    variables: { id: state.photoId },
  });
  const cached = apollo.readQuery({ query: FEED, variables: { first: 2 } });
  const photo = cached.feed.edges.find((edge) => edge.node.id === state.photoId).node;
  assert.equal(photo.likesCount, 1);
  assert.equal(photo.viewerHasLiked, true);
});

test("an access token drives a CI script's mutations", async () => {
  const { data } = await state.apollo.mutate({
    mutation: gql`
      mutation Token {
        createAccessToken(input: { name: "node ci", scopes: [PUBLISH] }) {
          __typename ... on NewAccessToken { token accessToken { id prefix scopes } }
        }
      }
    `,
  });
  const made = data.createAccessToken;
  assert.equal(made.__typename, "NewAccessToken");
  assert.deepEqual(made.accessToken.scopes, ["PUBLISH"]);
  const ci = client({ authorization: `Bearer ${made.token}` });
  const album = await ci.mutate({
    mutation: gql`
      mutation Album { createAlbum(input: { title: "From CI" }) { __typename ... on Album { title } } }
    `,
  });
  assert.deepEqual(album.data.createAlbum, { __typename: "Album", title: "From CI" });
  const refused = await ci.mutate({
    mutation: gql`
      mutation Follow { followUser(input: { username: "nobody-here" }) {
        __typename ... on OperationInfo { messages { code } } } }
    `,
  });
  assert.equal(refused.data.followUser.messages[0].code, "permission_denied");
});

test("automatic persisted queries: registered once, then sent by hash over GET", async () => {
  const query = gql`
    query Persisted($first: Int!) { photos(first: $first) { totalCount } }
  `;
  requests.length = 0;
  const first = client({ persisted: true });
  const answer = await first.query({ query, variables: { first: 1 } });
  assert.ok(answer.data.photos.totalCount >= 4);
  // A hash alone over GET, PersistedQueryNotFound, then the document with its hash.
  assert.equal(requests.length, 2);
  assert.equal(requests[0][0], "GET");
  assert.ok(!new URLSearchParams(requests[0][1]).has("query"));
  assert.match(String(requests[1][1]), /"query"/);

  requests.length = 0;
  const second = client({ persisted: true });
  const again = await second.query({ query, variables: { first: 1 } });
  assert.equal(again.data.photos.totalCount, answer.data.photos.totalCount);
  assert.equal(requests.length, 1, "the hash alone is enough once registered");
  assert.equal(requests[0][0], "GET");
});
