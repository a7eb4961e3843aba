/**
 * Apollo's hosted Sandbox, pointed at this installation's graph. It loads from Apollo's CDN (see
 * explorer/page.ts, the /sandbox policy): the self-hosted explorer at /explorer needs no internet.
 */
declare global {
  interface Window {
    EmbeddedSandbox: new (options: { target: string; initialEndpoint: string; includeCookies: boolean }) => unknown;
  }
}

new window.EmbeddedSandbox({ target: '#embeddableSandbox', initialEndpoint: new URL('/graphql', window.location.href).href, includeCookies: false });

export {};
