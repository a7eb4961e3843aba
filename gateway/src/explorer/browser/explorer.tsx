import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { setNonce } from 'get-nonce';
import 'graphiql/style.css';
import './explorer.css';

/** What the gateway renders into the page (explorer/page.ts, ExplorerConfig): read, never executed. */
interface ExplorerConfig {
  endpoint: string;
  /** The nonce this page's policy admits `<style>` elements with: GraphiQL's dialogs add one to lock scrolling. */
  styleNonce: string;
  tabs: { query: string; variables: string; headers: string }[];
}

type Fetcher = NonNullable<Parameters<typeof GraphiQL>[0]['fetcher']>;

const config = JSON.parse(document.getElementById('explorer-config')!.textContent!) as ExplorerConfig;

/**
 * Posts to the graph on this page's own origin. A header left empty in the header editor (the
 * examples leave `Authorization` empty) is not sent: an empty bearer token would be refused.
 */
const fetcher: Fetcher = async (params, options) => {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
  for (const [name, value] of Object.entries(options?.headers ?? {})) {
    if (typeof value === 'string' && value.trim() !== '') headers[name] = value;
  }
  const response = await fetch(config.endpoint, { method: 'POST', headers, body: JSON.stringify(params) });
  return response.json();
};

setNonce(config.styleNonce);

/**
 * GraphiQL's storage, localStorage without the request headers. shouldPersistHeaders={false} keeps
 * them out of the tabs only: the history (and favourites) would still keep every run's headers,
 * a member's bearer token among them, for the next person at a shared computer to replay (or for
 * any script on this origin to read). A run picked from the history comes back without headers.
 */
const STORAGE = 'graphiql:';
const HEADERLESS = new Set([`${STORAGE}queries`, `${STORAGE}favorites`]);
const storage = {
  getItem: (key: string) => localStorage.getItem(key),
  setItem(key: string, value: string) {
    localStorage.setItem(key, HEADERLESS.has(key) ? withoutHeaders(value) : value);
  },
  removeItem: (key: string) => localStorage.removeItem(key),
  get length() {
    return Object.keys(localStorage).filter((key) => key.startsWith(STORAGE)).length;
  },
  clear() {
    for (const key of Object.keys(localStorage)) if (key.startsWith(STORAGE)) localStorage.removeItem(key);
  },
};

/** `{"queries":[{…, "headers": "…"}]}` with every item's headers left out; text that is no such list is kept out entirely. */
function withoutHeaders(value: string): string {
  try {
    const lists = JSON.parse(value) as Record<string, unknown>;
    for (const list of Object.values(lists)) {
      if (Array.isArray(list)) for (const item of list) if (item && typeof item === 'object') delete (item as { headers?: unknown }).headers;
    }
    return JSON.stringify(lists);
  } catch {
    return '{}';
  }
}

// What an earlier version of this page kept goes too.
for (const key of HEADERLESS) {
  const kept = localStorage.getItem(key);
  if (kept !== null) localStorage.setItem(key, withoutHeaders(kept));
}

/*
 * GraphiQL starts its editors from the first tab's query but from its own stored variables and from
 * defaultHeaders: on a first visit (no tabs stored yet) give it the first example's, so the first
 * tab runs as it stands.
 */
if (localStorage.getItem(`${STORAGE}tabState`) === null) localStorage.setItem(`${STORAGE}variables`, config.tabs[0].variables);

createRoot(document.getElementById('graphiql')!).render(
  <GraphiQL
    fetcher={fetcher}
    defaultTabs={config.tabs}
    defaultHeaders={config.tabs[0].headers}
    defaultEditorToolsVisibility="headers"
    shouldPersistHeaders={false}
    storage={storage}
  />,
);
