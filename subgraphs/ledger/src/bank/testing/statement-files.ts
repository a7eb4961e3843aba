/*
 * Writes bank statement files for tests: the same transactions as a
 * camt.053.001.02 document in the layout Dutch banks send (GrpHdr; Stmt with
 * Acct/Id/IBAN, Bal OPBD/CLBD; Ntry with Amt Ccy, CdtDbtInd, Sts, BookgDt,
 * ValDt, AcctSvcrRef, NtryDtls/TxDtls with Refs, RltdPties, RltdAgts, RmtInf/Ustrd)
 * and as an MT940 file with ING's structured :86:.
 */

export interface FileTransaction {
  bankRef: string;
  endToEndId: string;
  date: string;
  /** Signed cents, credit positive. */
  minor: bigint;
  counterpartyIban: string;
  counterpartyBic: string;
  counterpartyName: string;
  description: string;
}

export interface FileStatement {
  iban: string;
  statementId: string;
  sequence: string;
  openingMinor: bigint;
  date: string;
  transactions: FileTransaction[];
}

/** A Dutch IBAN with correct check digits (ISO 13616 mod 97) for a bank code and a 10-digit account number. */
export function dutchIban(bank: string, account: string): string {
  const bban = `${bank}${account.padStart(10, '0')}`;
  const digits = `${bban}NL00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  const check = 98n - (BigInt(digits) % 97n);
  return `NL${check.toString().padStart(2, '0')}${bban}`;
}

const decimal = (minor: bigint) => {
  const abs = minor < 0n ? -minor : minor;
  return `${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
};
const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
export const closingOf = (s: FileStatement) => s.openingMinor + s.transactions.reduce((a, t) => a + t.minor, 0n);

export function camt053(s: FileStatement): string {
  const balance = (code: string, minor: bigint) => `
      <Bal>
        <Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp>
        <Amt Ccy="EUR">${decimal(minor)}</Amt>
        <CdtDbtInd>${minor < 0n ? 'DBIT' : 'CRDT'}</CdtDbtInd>
        <Dt><Dt>${s.date}</Dt></Dt>
      </Bal>`;
  const entry = (t: FileTransaction) => {
    const credit = t.minor > 0n;
    const party = `<Nm>${xml(t.counterpartyName)}</Nm>`;
    const account = `<Id><IBAN>${t.counterpartyIban}</IBAN></Id>`;
    const agent = `<FinInstnId><BIC>${t.counterpartyBic}</BIC></FinInstnId>`;
    return `
      <Ntry>
        <Amt Ccy="EUR">${decimal(t.minor)}</Amt>
        <CdtDbtInd>${credit ? 'CRDT' : 'DBIT'}</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>${t.date}</Dt></BookgDt>
        <ValDt><Dt>${t.date}</Dt></ValDt>
        <AcctSvcrRef>${t.bankRef}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>${credit ? 'RCDT' : 'ICDT'}</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>
          <TxDtls>
            <Refs><AcctSvcrRef>${t.bankRef}</AcctSvcrRef><EndToEndId>${t.endToEndId}</EndToEndId></Refs>
            <AmtDtls><TxAmt><Amt Ccy="EUR">${decimal(t.minor)}</Amt></TxAmt></AmtDtls>
            <RltdPties>
              ${credit ? `<Dbtr>${party}</Dbtr><DbtrAcct>${account}</DbtrAcct>` : `<Cdtr>${party}</Cdtr><CdtrAcct>${account}</CdtrAcct>`}
            </RltdPties>
            <RltdAgts>${credit ? `<DbtrAgt>${agent}</DbtrAgt>` : `<CdtrAgt>${agent}</CdtrAgt>`}</RltdAgts>
            <RmtInf><Ustrd>${xml(t.description)}</Ustrd></RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>`;
  };
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <BkToCstmrStmt>
    <GrpHdr>
      <MsgId>${s.statementId}-MSG</MsgId>
      <CreDtTm>${s.date}T23:00:00</CreDtTm>
    </GrpHdr>
    <Stmt>
      <Id>${s.statementId}</Id>
      <ElctrncSeqNb>${s.sequence}</ElctrncSeqNb>
      <CreDtTm>${s.date}T23:00:00</CreDtTm>
      <Acct><Id><IBAN>${s.iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>${balance('OPBD', s.openingMinor)}${balance('CLBD', closingOf(s))}${s.transactions.map(entry).join('')}
    </Stmt>
  </BkToCstmrStmt>
</Document>
`;
}

export function mt940(s: FileStatement): string {
  const yymmdd = (d: string) => d.slice(2).replace(/-/g, '');
  const amount = (minor: bigint) => decimal(minor).replace('.', ',');
  const bal = (tag: string, minor: bigint) => `:${tag}:${minor < 0n ? 'D' : 'C'}${yymmdd(s.date)}EUR${amount(minor)}`;
  const lines = s.transactions.flatMap((t) => [
    `:61:${yymmdd(t.date)}${t.date.slice(5).replace('-', '')}${t.minor > 0n ? 'C' : 'D'}${amount(t.minor)}NTRFNONREF//${t.bankRef}`,
    `:86:/EREF/${t.endToEndId}/CNTP/${t.counterpartyIban}/${t.counterpartyBic}/${t.counterpartyName}/ARNHEM/REMI/USTD//${t.description}/`,
  ]);
  return [':20:P' + s.statementId.slice(-10), `:25:${s.iban}EUR`, `:28C:${s.sequence}`, bal('60F', s.openingMinor), ...lines, bal('62F', closingOf(s)), '-', ''].join('\r\n');
}
