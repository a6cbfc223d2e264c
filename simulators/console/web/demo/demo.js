// A web page that reads a Belgian eID and signs with it through the official t1c-sdk-js (window.T1CSdk) and a
// Trust1Connector on this machine. Copy from here: this is all the browser side needs.
const { T1CClient, T1CConfig, T1CConfigOptions } = window.T1CSdk;
const $ = (id) => document.getElementById(id);

let client; // the SDK, once initialized
let readerId; // the reader holding the eID
let signingCertificate; // the card's non-repudiation certificate, parsed by the SDK

const toBase64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));
const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

function say(id, text, ok) {
  $(id).textContent = text;
  $(id).className = `result ${ok === undefined ? '' : ok ? 'ok' : 'bad'}`;
}

/** The SDK rejects with { code, description }: show both. */
function fail(error) {
  $('error').hidden = false;
  $('error').textContent = error.description ? `${error.description} (code ${error.code})` : String(error.message ?? error);
}

const element = (tag, text) => Object.assign(document.createElement(tag), { textContent: text });

// 1. Your back end fetches a short-lived token from the Distribution Service with its API key (never the browser)
//    and hands it to the page. Then the SDK talks to the connector on this machine.
async function connect() {
  const settings = await (await fetch('/config')).json();
  const { token } = await (await fetch('/token')).json();
  const options = new T1CConfigOptions(settings.connectorUrl, settings.connectorPort, undefined, undefined, token, location.hostname);
  client = await T1CClient.initialize(new T1CConfig(options));
  say('version', `Connected (connector API ${client.config().version})`, true);
  await readCard();
}

// 2. The readers that hold a card, and which module reads it; the first Belgian eID is read, or the one chosen.
async function readCard() {
  const readers = (await client.core().readersCardAvailable()).data;
  const eids = readers.filter((r) => r.card.modules.includes('beid'));
  if (eids.length === 0) return fail({ message: 'No Belgian eID in a reader: insert one (lab console: beid-1.7 or beid-1.8).' });
  $('reader').replaceChildren(...eids.map((r) => Object.assign(element('option', `${r.name} (ATR ${r.card.atr})`), { value: r.id })));
  $('reader').disabled = false;
  await readEid(eids[0].id);
}

async function readEid(id) {
  readerId = id;
  $('reader').value = id;
  $('verify').disabled = $('sign').disabled = true;
  await readIdentity();
  await readCertificates();
  $('verify').disabled = false;
  $('sign').disabled = false;
}

// 3. Identity, address and photo.
async function readIdentity() {
  const beid = client.beid(readerId);
  const person = (await beid.biometric()).data;
  const address = (await beid.address()).data;
  const photo = (await beid.picture()).data.picture;
  const rows = {
    Name: `${person.firstNames} ${person.name}`,
    'National number': person.nationalNumber,
    Born: `${person.birthDate}, ${person.birthLocation}`,
    Nationality: person.nationality,
    Address: `${address.streetAndNumber}, ${address.zipcode} ${address.municipality}`,
    Card: `${person.cardNumber}, valid until ${person.cardValidityDateEnd}`,
  };
  $('identity').replaceChildren(...Object.entries(rows).flatMap(([name, value]) => [element('dt', name), element('dd', value)]));
  $('photo').src = `data:image/jpeg;base64,${photo}`;
  $('photo').hidden = false;
}

// 4. The certificates; with parseCerts=true the SDK parses them (PKI.js objects).
async function readCertificates() {
  const certs = (await client.beid(readerId).allCerts(true)).data;
  const commonName = (parsed) => parsed.subject.typesAndValues.find((t) => t.type === '2.5.4.3')?.value.valueBlock.value;
  const lines = Object.entries(certs)
    .filter(([, c]) => c?.parsedCertificate)
    .map(([slot, c]) => element('li', `${slot}: ${commonName(c.parsedCertificate)}, valid until ${c.parsedCertificate.notAfter.value.toISOString().slice(0, 10)}`));
  $('certificates').replaceChildren(...lines);
  signingCertificate = certs.nonRepudiationCertificate?.parsedCertificate;
}

// 5. The PIN goes to the connector (the SDK encrypts it with the connector's device key); a wrong one rejects.
async function verifyPin() {
  try {
    await client.beid(readerId).verifyPin({ pin: $('pin').value });
    say('pin-result', 'PIN verified', true);
  } catch (e) {
    say('pin-result', `PIN refused: ${e.description ?? e.message}`, false);
  }
}

// The signing key's public half, from the certificate, for WebCrypto: RSA (eID 1.7) or ECDSA (eID 1.8).
const CURVES = { '1.2.840.10045.3.1.7': 'P-256', '1.3.132.0.34': 'P-384', '1.3.132.0.35': 'P-521' };
async function publicKey(certificate) {
  const info = certificate.subjectPublicKeyInfo;
  const spki = info.toSchema().toBER(false);
  if (info.algorithm.algorithmId === '1.2.840.113549.1.1.1') {
    return { key: await crypto.subtle.importKey('spki', spki, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']), verify: { name: 'RSASSA-PKCS1-v1_5' } };
  }
  const namedCurve = CURVES[info.algorithm.algorithmParams.valueBlock.toString()];
  return { key: await crypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve }, false, ['verify']), verify: { name: 'ECDSA', hash: 'SHA-256' } };
}

// 6. Sign the SHA-256 of the document with the card, then check the signature here, in the page.
async function sign() {
  const text = new TextEncoder().encode($('document').value);
  const digest = await crypto.subtle.digest('SHA-256', text);
  const signed = await client.beid(readerId).sign({ pin: $('pin').value, algorithm: 'sha256', data: toBase64(digest) });
  const signature = fromBase64(signed.data.data);
  const { key, verify } = await publicKey(signingCertificate);
  const valid = await crypto.subtle.verify(verify, key, signature, text);
  say('sign-result', valid ? `Signed (${signature.length} bytes): the signature verifies with the card's certificate` : 'The signature does NOT verify', valid);
  $('sign-result').dataset.verified = String(valid);
}

const run = (step) => () => step().catch(fail);
$('connect').addEventListener('click', run(connect));
$('reader').addEventListener('change', run(() => readEid($('reader').value)));
$('verify').addEventListener('click', run(verifyPin));
$('sign').addEventListener('click', run(sign));
