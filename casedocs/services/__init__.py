"""The service layer: what the command line (casedocs.commands) and the web app both call.

One small module per job, after pyHanko's split of format, policy and appearance:

- ``desk``: the signing desk (record, store, unlocked keys, who acts) and what the others share,
  above all ``act``: a signing act's revisions and what they mean commit in one transaction;
- ``enrolment``: signatories and monitors — enrol, import a PKCS#12, revoke;
- ``trust``: external CAs and CRLs — trust a root, import a CRL, publish ours;
- ``issuing``: seal a rendering, issue a continuation closure report, re-issue a document a revoked
  signer can no longer complete;
- ``cosigning``: a signatory signs; the last signature (or monitoring slot) freezes the document;
- ``monitoring``: a monitor's update, recorded with its appends to every edition's closure report;
- ``reconcile``: repair a record an earlier version left behind its stored PDF (killed mid-act);
- ``verification``: verify a PDF against the mechanism's public material only;
- ``rendering``: render one instrument, or a case's whole paperwork with its manifest;
- ``acts``: the procedure acts — file an application, take an action, show a case;
- ``console``, ``casepage``: the web console's read models — dashboard, case list, a case's page;
- ``forms``, ``posted``: forms generated from the actions' signatures and the import schema, and
  what a browser posts turned back into the command line's arguments.

Every function says in its docstring which session rule it follows:

- **Caller's session**: it works in the session (unit of work) it is given, flushes but never
  commits, so it is safe inside a unit of work and is undone with it.
- **Own sessions**: it opens and commits sessions of its own, in steps (a signature is a
  compare-and-swap on the document's latest revision that other signers must see at once), so
  call it outside any unit of work that touches the same document.
- **No session**: it reads or writes no record (keys, files, pure checks).
"""
