// A real OpenID Connect provider for the tests (node's oidc-provider), on 127.0.0.1.
// tests/oidc/provider.py starts it with the keys, clients and accounts it generates:
// OIDC_PORT, and the paths of three JSON files in OIDC_JWKS, OIDC_CLIENTS, OIDC_ACCOUNTS.
// Accounts are keyed by the login typed on the provider's sign-in page (any password);
// each holds the claims the ID token carries, as Microsoft Entra ID's would (tid, oid,
// preferred_username, groups or the groups-overage claim, amr when given).
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const read = (name) => JSON.parse(readFileSync(process.env[name], 'utf8'));
const port = Number(process.env.OIDC_PORT);
const accounts = read('OIDC_ACCOUNTS');
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  jwks: read('OIDC_JWKS'),
  clients: read('OIDC_CLIENTS'),
  cookies: { keys: ['test-cookie-key-not-secret'] },
  // Every client must send a PKCE challenge (S256), as the service does.
  pkce: { methods: ['S256'], required: () => true },
  // Entra ID puts its claims in the ID token; so does this provider.
  conformIdTokenClaims: false,
  claims: {
    openid: ['sub', 'tid', 'oid', 'preferred_username', 'name', 'groups', 'amr', 'acrs',
      '_claim_names', '_claim_sources'],
    email: ['email'],
    profile: ['name'],
  },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  async findAccount(ctx, id) {
    const claims = accounts[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  // The council's administrator has consented for everyone (as in Entra ID), so the
  // provider asks no one to consent: the grant is made at sign-in.
  async loadExistingGrant(ctx) {
    const { Grant } = ctx.oidc.provider;
    const existing = ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (existing) return Grant.find(existing);
    const grant = new Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid profile email');
    await grant.save();
    return grant;
  },
  ttl: { IdToken: 300, AccessToken: 300, AuthorizationCode: 60, Session: 3600 },
});
provider.proxy = false;

// The development sign-in page finishes the login itself, with no amr; this one gives
// the account's amr to the session, as Entra ID does after multi-factor.
const readForm = async (req) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
};
provider.use(async (ctx, next) => {
  if (ctx.method === 'POST' && /^\/interaction\/[^/]+$/.test(ctx.path)) {
    const form = await readForm(ctx.req);
    const accountId = form.get('login');
    const { amr } = accounts[accountId] || {};
    ctx.respond = false;
    await provider.interactionFinished(ctx.req, ctx.res, {
      login: { accountId, ...(amr ? { amr } : {}) },
    }, { mergeWithLastSubmission: false });
    return;
  }
  await next();
});
provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
