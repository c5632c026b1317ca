/**
 * Placeholder for the Prompt Manager (built in the web UI work): shows that the service is up and
 * where the API lives, using only the public health endpoint.
 */
import './style.css';

interface Health {
  status: string;
  version: string;
  database: { kind: string };
  prompts: { live: number };
}

const root = document.querySelector<HTMLElement>('#app')!;
root.innerHTML = `
  <h1>Prompt Ledger</h1>
  <p>Versioned Jinja2 prompts for LLM trading signals.</p>
  <p id="status" role="status">Checking the service…</p>
  <p>The Prompt Manager screens are on their way. Meanwhile the whole API is documented at
  <a href="/docs">/docs</a>.</p>`;

const status = root.querySelector<HTMLElement>('#status')!;
fetch('/health')
  .then((r) => r.json() as Promise<Health>)
  .then((h) => {
    status.textContent = `Service ${h.status} · version ${h.version} · ${h.database.kind} database · ${h.prompts.live} prompts stored`;
  })
  .catch(() => {
    status.textContent = 'The service did not answer /health.';
  });
