import { escapeHtml } from "./render-blocks.ts";

export interface DemoPageInfo {
  /** Which model drives the run: the real API, or a script (and so, whatever the task). */
  model: { kind: "real"; name: string } | { kind: "scripted" };
  /** The X display the worker drives, and whether the demo started it. */
  display: { name: string; startedForDemo: boolean };
  /** noVNC page showing that display, when the demo could serve one. */
  liveViewUrl?: string;
  /** The bot's read-only queue view and its password. */
  queueView?: { url: string; token: string };
  suggestedCommand: string;
}

export const demoStyle = `
body{font:15px/1.45 system-ui,sans-serif;margin:0;background:#f4f4f6;color:#1d1c1d}
.banner{background:#5b2a86;color:#fff;padding:10px 18px}
.banner strong{background:#ffd54a;color:#1d1c1d;padding:1px 6px;border-radius:4px;margin-right:8px}
.banner p{margin:4px 0}
.banner a{color:#ffe9a8}
main{display:flex;gap:18px;padding:18px;align-items:flex-start}
#channel-column{flex:1 1 640px;min-width:0}
#live{flex:0 1 640px}
#live iframe{width:100%;height:420px;border:1px solid #ccc;background:#000}
h2{margin:0 0 10px;font-size:18px}
.root{background:#fff;border:1px solid #ddd;border-radius:8px;margin-bottom:14px;padding:10px}
.thread{border-left:3px solid #ddd;margin:8px 0 0 12px;padding-left:12px}
.message{padding:6px 0;border-bottom:1px solid #f0f0f0}
.message:last-child{border-bottom:0}
.ephemeral{background:#fffbe6;border:1px dashed #e0c200;border-radius:6px;padding:8px;margin-bottom:14px}
.author{font-weight:600;font-size:13px;color:#555}
.edited{font-weight:400;color:#999}
.section{white-space:pre-wrap;margin:4px 0}
.fields{display:grid;grid-template-columns:1fr 1fr;gap:4px;white-space:pre-wrap}
.context{font-size:12px;color:#666;white-space:pre-wrap}
.actions{display:flex;flex-wrap:wrap;gap:6px;margin:6px 0}
.button{border:1px solid #bbb;background:#fff;border-radius:5px;padding:5px 12px;font:inherit;cursor:pointer;text-decoration:none;color:inherit}
.button.primary{background:#007a5a;color:#fff;border-color:#007a5a}
.button.danger{background:#e01e5a;color:#fff;border-color:#e01e5a}
.image{max-width:100%;max-height:360px;border:1px solid #ddd;border-radius:4px;margin-top:4px}
.thumb{height:20px;vertical-align:middle}
.unknown{font-size:12px;background:#eee;padding:6px;overflow:auto}
#composer{display:flex;gap:8px;margin-top:10px}
#composer input{flex:1;font:inherit;padding:8px;border:1px solid #bbb;border-radius:6px}
#status{font-size:13px;color:#a00;min-height:1.2em}
#modal-layer{position:fixed;inset:0;background:rgba(0,0,0,.45);display:none;align-items:center;justify-content:center}
#modal-layer.open{display:flex}
.modal{background:#fff;border-radius:8px;padding:16px 20px;width:min(520px,92vw);max-height:86vh;overflow:auto}
.modal h3{margin-top:0}
.input{display:flex;flex-direction:column;gap:4px;margin:10px 0}
.input input,.input textarea,.input select{font:inherit;padding:6px;border:1px solid #bbb;border-radius:5px}
.input textarea{min-height:70px}
.modal-buttons{display:flex;justify-content:flex-end;gap:8px;margin-top:12px}
.error{color:#a00}
.empty{color:#777}
`;

const script = `
const channel = document.getElementById("channel");
const layer = document.getElementById("modal-layer");
const status = document.getElementById("status");
let shownChannel = "", shownModal = null;
async function post(path, body) {
  status.textContent = "";
  const response = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const answer = await response.json().catch(() => ({ ok: false, error: "no answer" }));
  if (!answer.ok && answer.error) status.textContent = answer.error;
  refresh();
  return answer;
}
async function refresh() {
  const state = await (await fetch("/api/channel")).json();
  if (state.channel !== shownChannel) { channel.innerHTML = state.channel; shownChannel = state.channel; }
  const key = state.modal ? state.modal.key + ":" + state.modal.html.length : null;
  if (key !== shownModal) {
    layer.innerHTML = state.modal ? state.modal.html : "";
    layer.classList.toggle("open", !!state.modal);
    shownModal = key;
  }
}
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action-id]");
  if (button) post("/api/action", { ts: button.dataset.ts, actionId: button.dataset.actionId, value: button.dataset.value || "" });
  const close = event.target.closest("button[data-close-view]");
  if (close) post("/api/close", { key: Number(close.closest("form").dataset.viewKey) });
});
document.addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
  if (form.id === "composer") {
    const input = form.querySelector("input");
    post("/api/command", { text: input.value });
    return;
  }
  const values = {};
  for (const field of form.querySelectorAll("[name]")) values[field.name] = field.value;
  post("/api/submit", { key: Number(form.dataset.viewKey), values });
});
refresh();
setInterval(refresh, 700);
`;

/** The demo's page: a clear DEMO banner, the channel, a composer for `/agent`, a modal layer. */
export function demoPage(info: DemoPageInfo): string {
  const model =
    info.model.kind === "real"
      ? `The model is <b>${escapeHtml(info.model.name)}</b>, called with your ANTHROPIC_API_KEY.`
      : "No ANTHROPIC_API_KEY is set, so the model is <b>scripted</b>: its turns are played from a short script (look, open a terminal, type a greeting, press Return), whatever task you type.";
  const display = info.display.startedForDemo
    ? `The worker drives display ${escapeHtml(info.display.name)}, an Xvfb desktop started for this demo.`
    : `The worker drives <b>your display ${escapeHtml(info.display.name)}</b>: approved actions really happen there.`;
  const queues = info.queueView
    ? `<p>Operators: the queues behind this run at <a target="_blank" rel="noreferrer" href="${escapeHtml(info.queueView.url)}">${escapeHtml(info.queueView.url)}</a> (any user name, password <code>${escapeHtml(info.queueView.token)}</code>).</p>`
    : "";
  const live = info.liveViewUrl
    ? `<section id="live"><h2>The desktop (live view)</h2><iframe title="desktop" src="${escapeHtml(info.liveViewUrl)}"></iframe></section>`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>deskgate demo</title><style>${demoStyle}</style></head>
<body>
<div class="banner"><p><strong>DEMO</strong>This page stands in for Slack: no workspace is involved. The bot and the worker are the real ones, on this machine.</p>
<p>${model}</p><p>${display}</p>${queues}</div>
<main><section id="channel-column"><h2>#agents</h2><div id="channel"></div>
<form id="composer"><input name="command" value="${escapeHtml(info.suggestedCommand)}" aria-label="slash command"><button class="button primary" type="submit">Send</button></form>
<div id="status" role="status"></div></section>${live}</main>
<div id="modal-layer"></div>
<script>${script}</script>
</body></html>`;
}
