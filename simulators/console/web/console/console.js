// The lab console: readers and cards, the operations on them, the APDU trace as it happens, the lab state and the
// reports. Preact + htm, loaded as ES modules through the page's import map: no build step.
import { h, render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import htm from 'htm';
import { TracePanel } from '/trace.js';

const html = htm.bind(h);
const TRACE_KEPT = 2000;

async function getJson(path) {
  const response = await fetch(path);
  const body = await response.json();
  if (!response.ok) throw new Error(`${body.code}: ${body.error}`);
  return body;
}

/** POSTs a lab operation (same origin, JSON): the lab's new state, or its refusal as an Error. */
async function operate(path, body = {}) {
  const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = await response.json();
  if (!response.ok) throw new Error(`${answer.code}: ${answer.error}`);
  return answer;
}

/** The live lab: the state and the trace entries the supervisor streams (Server-Sent Events). */
function useLab() {
  const [view, setView] = useState(null);
  const [trace, setTrace] = useState([]);
  const [live, setLive] = useState(false);
  useEffect(() => {
    const events = new EventSource('/api/events');
    let last = 0;
    let pending = [];
    let timer = null;
    const flush = () => {
      timer = null;
      const batch = pending;
      pending = [];
      setTrace((kept) => [...kept, ...batch].slice(-TRACE_KEPT));
    };
    events.onopen = () => setLive(true);
    events.onerror = () => setLive(false);
    events.addEventListener('state', (e) => setView(JSON.parse(e.data)));
    events.addEventListener('trace', (e) => {
      const entry = JSON.parse(e.data);
      if (entry.seq <= last) return; // after a reconnect the backlog comes again
      last = entry.seq;
      pending.push(entry);
      timer ??= setTimeout(flush, 50);
    });
    return () => events.close();
  }, []);
  return { view, setView, trace, setTrace, live };
}

function InsertForm({ reader, catalog, act, busy }) {
  const profiles = catalog.profiles;
  const [profileId, setProfileId] = useState(profiles[0]?.id ?? '');
  const profile = profiles.find((p) => p.id === profileId);
  const [persona, setPersona] = useState(profile?.defaultPersona ?? '');
  const choose = (id) => {
    setProfileId(id);
    setPersona(profiles.find((p) => p.id === id)?.defaultPersona ?? '');
  };
  const insert = () => act(`/api/readers/${reader}/insert`, { profile: profileId, persona: persona || null });
  return html`<div class="row">
    <select aria-label=${`Card profile for reader ${reader}`} value=${profileId} onChange=${(e) => choose(e.target.value)}>
      ${profiles.map((p) => html`<option value=${p.id}>${p.id} — ${p.title}</option>`)}
    </select>
    <select aria-label=${`Persona for reader ${reader}`} value=${persona} onChange=${(e) => setPersona(e.target.value)} disabled=${!profile?.personas.length}>
      ${profile?.personas.length ? profile.personas.map((p) => html`<option value=${p}>${p}</option>`) : html`<option value="">no persona</option>`}
    </select>
    <button disabled=${busy} onClick=${insert}>Insert</button>
  </div>`;
}

/** A fault from the form's fields, in the shape `t1c-lab lab fault` sends (the lab checks it). */
function faultOf(kind, f) {
  const number = (text) => (text === '' ? undefined : Number(text));
  switch (kind) {
    case 'remove':
      return { kind, ...(f.when === 'after' ? { afterApdus: number(f.count) } : f.when === 'ins' ? { atIns: parseInt(f.ins, 16) } : {}) };
    case 'latency':
      return { kind, model: f.model, ...(f.model === 'fixed' ? { signMs: number(f.signMs), apduMs: number(f.apduMs) } : {}) };
    case 'drop':
    case 'corrupt':
      return { kind, count: number(f.count) };
    case 'hostile':
      return { kind, mode: f.mode, ...(f.seed === '' ? {} : { seed: number(f.seed) }) };
    default:
      return { kind };
  }
}

function FaultForm({ reader, catalog, act, busy }) {
  const [kind, setKind] = useState('remove');
  const [f, setF] = useState({ when: 'now', count: '1', ins: '2A', model: 'real', signMs: '150', apduMs: '0', mode: catalog.hostileModes[0], seed: '' });
  const field = (name, label, props = {}) => html`<label>${label} <input value=${f[name]} onInput=${(e) => setF({ ...f, [name]: e.target.value })} ...${props} /></label>`;
  const choice = (name, label, options) => html`<label>${label} <select value=${f[name]} onChange=${(e) => setF({ ...f, [name]: e.target.value })}>${options.map((o) => html`<option value=${o}>${o}</option>`)}</select></label>`;
  return html`<div class="row fault">
    <select aria-label=${`Fault for reader ${reader}`} value=${kind} onChange=${(e) => setKind(e.target.value)}>
      ${catalog.faults.map((k) => html`<option value=${k}>${k}</option>`)}
    </select>
    ${kind === 'remove' && choice('when', 'when', ['now', 'after', 'ins'])}
    ${kind === 'remove' && f.when === 'after' && field('count', 'APDUs', { size: 3 })}
    ${kind === 'remove' && f.when === 'ins' && field('ins', 'INS', { size: 2 })}
    ${kind === 'latency' && choice('model', 'model', catalog.latencyModels)}
    ${kind === 'latency' && f.model === 'fixed' && [field('signMs', 'sign ms', { size: 4 }), field('apduMs', 'APDU ms', { size: 4 })]}
    ${(kind === 'drop' || kind === 'corrupt') && field('count', 'count', { size: 3 })}
    ${kind === 'hostile' && [choice('mode', 'mode', [...catalog.hostileModes, 'off']), field('seed', 'seed', { size: 4 })]}
    <button disabled=${busy} onClick=${() => act(`/api/readers/${reader}/fault`, { fault: faultOf(kind, f) })}>Apply</button>
  </div>`;
}

function Reader({ reader, backend, catalog, act, busy }) {
  const card = reader.card;
  const unplugged = reader.plugged === false;
  return html`<section class=${`reader ${card ? 'has-card' : 'empty'} ${unplugged ? 'unplugged' : ''}`} data-reader=${reader.index}>
    <header><h3>Reader ${reader.index}</h3><span class="muted">${reader.name}${unplugged ? ' — unplugged' : ''}</span></header>
    <dl>
      <dt>id</dt><dd class="mono">${reader.id ?? '—'}</dd>
      <dt>card</dt><dd class="card">${card ? `${card.profile}${card.persona ? `:${card.persona}` : ''}` : 'empty'}</dd>
      ${card && html`<dt>ATR</dt><dd class="mono">${card.atr}</dd>`}
      ${card?.hasPin && html`<dt>PIN</dt><dd class="muted">not shown here: t1c-lab lab status</dd>`}
      ${reader.faults.length > 0 && html`<dt>faults</dt><dd class="faults">${reader.faults.join(', ')}</dd>`}
    </dl>
    ${card ? html`<div class="row"><button disabled=${busy} onClick=${() => act(`/api/readers/${reader.index}/remove`)}>Remove card</button></div>` : html`<${InsertForm} reader=${reader.index} catalog=${catalog} act=${act} busy=${busy} />`}
    ${backend === 'embedded' && html`<div class="row"><button disabled=${busy} onClick=${() => act(`/api/readers/${reader.index}/${unplugged ? 'plug' : 'unplug'}`)}>${unplugged ? 'Plug reader in' : 'Unplug reader'}</button></div>`}
    ${card && html`<${FaultForm} reader=${reader.index} catalog=${catalog} act=${act} busy=${busy} />`}
  </section>`;
}

function Links({ links, connector }) {
  return html`<section class="links">
    <h2>Links</h2>
    <ul>
      ${links?.demo && html`<li><a href=${links.demo} target="_blank" rel="noopener">Demo application</a> — the official SDK reading the card (enter the card's PIN there)</li>`}
      ${connector && html`<li><a href="/ca.pem">The lab's CA certificate</a> — trust it in your browser so pages reach the connector at ${connector.url}</li>`}
      ${(links?.reports ?? []).map((r) => html`<li><a href=${r.href} target="_blank" rel="noopener">${r.title}</a> <span class="muted">${r.modified.replace('T', ' ').slice(0, 19)}</span></li>`)}
      ${links && links.reports.length === 0 && html`<li class="muted">No reports yet: npm run certify, t1c-lab load</li>`}
    </ul>
  </section>`;
}

function App() {
  const { view, setView, trace, setTrace, live } = useLab();
  const [catalog, setCatalog] = useState(null);
  const [links, setLinks] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  useEffect(() => {
    getJson('/api/catalog').then(setCatalog, (e) => setError(e.message));
    getJson('/api/links').then(setLinks, (e) => setError(e.message));
  }, []);
  const act = async (path, body) => {
    setBusy(true);
    setError(null);
    try {
      setView(await operate(path, body));
    } catch (e) {
      setError(e.message);
    } finally {
      setBusy(false);
    }
  };
  if (!view || !catalog) return html`<main><p class="muted">Connecting to the lab…</p>${error && html`<p class="error">${error}</p>`}</main>`;
  return html`<main>
    <header class="top">
      <h1>t1c-lab console</h1>
      <span class=${live ? 'live' : 'offline'}>${live ? 'live' : 'reconnecting…'}</span>
      <span>backend <b>${view.backend}</b></span>
      ${view.connector && html`<span>connector <span class="mono">${view.connector.url}</span></span>`}
      ${view.backend === 'pcsc' && html`<button disabled=${busy} onClick=${() => act('/api/pcscd-restart')}>Restart pcscd</button>`}
    </header>
    ${error && html`<p class="error" role="alert">${error} <button onClick=${() => setError(null)}>dismiss</button></p>`}
    ${view.lab?.warnings.map((w) => html`<p class="warning">${w}</p>`)}
    <div class="readers">${view.readers.map((r) => html`<${Reader} key=${r.index} reader=${r} backend=${view.backend} catalog=${catalog} act=${act} busy=${busy} />`)}</div>
    <${TracePanel} trace=${trace} readers=${view.readers} onClear=${() => setTrace([])} />
    <${Links} links=${links} connector=${view.connector} />
    <details class="state"><summary>Lab state</summary><pre>${JSON.stringify(view, null, 2)}</pre></details>
  </main>`;
}

render(html`<${App} />`, document.getElementById('app'));
