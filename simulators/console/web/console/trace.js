// The APDU trace panel: each APDU as the lab's trace file holds it (PIN data already masked by the lab), decoded by
// the supervisor with the project's names (instructions, status words, BeID and EMV tags).
import { h } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';

const html = htm.bind(h);
const SHOWN_BYTES = 32;

const time = (at) => at.slice(11, 23);

function swClass(sw) {
  if (sw === '9000') return 'ok';
  if (/^(61|62|63)/.test(sw)) return 'warn';
  return 'err';
}

/** Hex with the bytes beyond SHOWN_BYTES folded away. */
function Hex({ prefix, hex }) {
  if (hex.length <= SHOWN_BYTES * 2) return html`<code>${prefix} ${hex}</code>`;
  return html`<details class="long"><summary><code>${prefix} ${hex.slice(0, SHOWN_BYTES * 2)}… <span class="muted">(${hex.length / 2} bytes)</span></code></summary><code>${hex}</code></details>`;
}

function Fields({ fields }) {
  return html`<ul class="fields">
    ${fields.map((f) => html`<li class=${`depth-${Math.min(f.depth, 4)}`}><span class="tag">${f.tag}</span> ${f.name}${f.value && html`: <span class="value">${f.value}</span>`}</li>`)}
  </ul>`;
}

function Entry({ entry }) {
  if (entry.kind === 'note') {
    return html`<tr class="note" data-reader=${entry.reader}><td class="mono">${time(entry.at)}</td><td>${entry.reader}</td><td colspan="4"># ${entry.text}</td></tr>`;
  }
  const d = entry.decoded;
  return html`<tr class="apdu" data-reader=${entry.reader} data-ins=${d.name}>
    <td class="mono">${time(entry.at)}</td>
    <td>${entry.reader}</td>
    <td><b>${d.name}</b>${d.detail && html`<div class="muted">${d.detail}</div>`}</td>
    <td class="bytes"><${Hex} prefix=">" hex=${entry.command} /><${Hex} prefix="<" hex=${entry.response} />${d.fields && html`<${Fields} fields=${d.fields} />`}</td>
    <td class=${`sw ${swClass(d.sw)}`}><span class="mono">${d.sw}</span> ${d.status}</td>
    <td class="mono num">${entry.micros} µs</td>
  </tr>`;
}

export function TracePanel({ trace, readers, onClear }) {
  const [reader, setReader] = useState('all');
  const [follow, setFollow] = useState(true);
  const bottom = useRef(null);
  const shown = reader === 'all' ? trace : trace.filter((e) => String(e.reader) === reader);
  useEffect(() => {
    if (follow) bottom.current?.scrollIntoView({ block: 'nearest' });
  }, [shown.length, follow]);
  return html`<section class="trace">
    <header class="row">
      <h2>APDU trace</h2>
      <label>reader <select aria-label="Trace of reader" value=${reader} onChange=${(e) => setReader(e.target.value)}>
        <option value="all">all</option>
        ${readers.map((r) => html`<option value=${String(r.index)}>${r.index}</option>`)}
      </select></label>
      <label><input type="checkbox" checked=${follow} onChange=${(e) => setFollow(e.target.checked)} /> follow</label>
      <button onClick=${onClear}>Clear</button>
      <span class="muted">${shown.length} entries</span>
    </header>
    <div class="scroll">
      <table>
        <colgroup><col class="time" /><col class="reader" /><col class="command" /><col /><col class="status" /><col class="micros" /></colgroup>
        <thead><tr><th>time</th><th>reader</th><th>command</th><th>bytes</th><th>status</th><th>card time</th></tr></thead>
        <tbody>${shown.map((e) => html`<${Entry} key=${e.seq} entry=${e} />`)}</tbody>
      </table>
      <div ref=${bottom}></div>
    </div>
  </section>`;
}
