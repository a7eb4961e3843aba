/**
 * The ledger's public keys at a well-known URL (docs/ledger-hash.md, "Checkpoints"): whoever checks a
 * checkpoint of any neighbourhood's books finds there every key the ledger ever signed with and, per
 * neighbourhood, its log's origin and verifier keys, without writing a GraphQL query.
 */
export const LEDGER_KEYS_PATH = '/.well-known/dbwe-ledger-keys';

export const LEDGER_KEYS_QUERY = `{
  ledgerSigningKeys { publicKey firstUsedAt retiredAt }
  neighbourhoods { id slug transparencyLog { origin verifierKey verifierKeys } }
}`;

interface LedgerKeysData {
  ledgerSigningKeys: { publicKey: string; firstUsedAt: string; retiredAt: string | null }[];
  neighbourhoods: { id: string; slug: string; transparencyLog: { origin: string; verifierKey: string; verifierKeys: string[] } | null }[];
}

export function ledgerKeysDocument(data: Record<string, unknown>) {
  const { ledgerSigningKeys, neighbourhoods } = data as unknown as LedgerKeysData;
  return {
    signingKeys: ledgerSigningKeys,
    // A neighbourhood whose books are not open has no log yet, so nothing to verify.
    logs: neighbourhoods.flatMap(({ id, slug, transparencyLog: log }) =>
      log
        ? [
            {
              neighbourhoodId: id,
              slug,
              origin: log.origin,
              verifierKey: log.verifierKey,
              verifierKeys: log.verifierKeys,
              checkpoint: `/export/v1/neighbourhoods/${slug}/checkpoint.txt`,
            },
          ]
        : [],
    ),
  };
}
