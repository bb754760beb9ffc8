// The farm page: polls the JSON API and redraws the table; no framework, no build step.
'use strict';

(() => {
  const pollMilliseconds = 1000;
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  const $ = (id) => document.getElementById(id);

  const view = {
    data: null,
    receivedAt: 0,
    sortKey: 'host',
    sortDirection: 1,
    hostFilter: '',
    stateFilter: '',
  };

  // Sort keys to the value compared; ties fall back to host, then instance.
  const sortValues = {
    host: (i) => i.host,
    instance: (i) => i.instance,
    state: (i) => i.state,
    frame: (i) => i.currentFrame,
    progress: (i) => (i.job && i.job.progress != null ? i.job.progress : -1),
    rendered: (i) => i.framesRendered,
    age: (i) => i.ageSeconds,
    file: (i) => i.file,
    blender: (i) => `${i.blenderVersion} ${i.engine}`,
  };

  function compare(a, b) {
    return typeof a === 'number' && typeof b === 'number' ? a - b : collator.compare(String(a), String(b));
  }

  function sorted(instances) {
    const value = sortValues[view.sortKey];
    return [...instances].sort((a, b) =>
      view.sortDirection * compare(value(a), value(b))
      || collator.compare(a.host, b.host)
      || collator.compare(a.instance, b.instance));
  }

  function visible(instances) {
    const host = view.hostFilter.trim().toLowerCase();
    return instances.filter((i) =>
      (!host || i.host.toLowerCase().includes(host)) && (!view.stateFilter || i.state === view.stateFilter));
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function formatAge(seconds) {
    if (seconds < 10) return `${seconds.toFixed(1)} s ago`;
    if (seconds < 120) return `${Math.round(seconds)} s ago`;
    return `${Math.round(seconds / 60)} min ago`;
  }

  function formatDuration(seconds) {
    if (seconds < 90) return `${Math.round(seconds)} s`;
    if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
    return `${(seconds / 3600).toFixed(1)} h`;
  }

  function jobCell(instance) {
    const cell = element('td', 'job-cell');
    const job = instance.job;
    if (!job) {
      cell.append(element('span', 'range', 'no job yet'));
      return cell;
    }

    const wrap = element('div', 'job');
    const range = `${job.frameStart}–${job.frameEnd}`;
    if (job.progress == null) {
      wrap.append(element('span', 'range', `last job ${range}`));
    } else {
      const percent = Math.round(job.progress * 100);
      const bar = element('div', 'bar');
      bar.setAttribute('role', 'progressbar');
      bar.setAttribute('aria-label', `Job progress of ${instance.host} instance ${instance.instance}`);
      bar.setAttribute('aria-valuemin', '0');
      bar.setAttribute('aria-valuemax', '100');
      bar.setAttribute('aria-valuenow', String(percent));
      bar.setAttribute('aria-valuetext', `frame ${instance.currentFrame} of ${range}, ${percent}%`);
      const fill = element('div', 'fill');
      fill.style.width = `${percent}%`;
      bar.append(fill);
      wrap.append(element('span', 'range', range), bar, element('span', 'percent', `${percent}%`));
      if (job.etaSeconds != null) wrap.append(element('span', 'eta', `ETA ${formatDuration(job.etaSeconds)}`));
    }

    cell.append(wrap);
    return cell;
  }

  function row(instance, ttlSeconds) {
    const tr = element('tr');
    tr.dataset.host = instance.host;
    tr.dataset.instance = instance.instance;
    tr.dataset.state = instance.state;

    const host = element('th', '', instance.host);
    host.scope = 'row';
    const state = element('td');
    state.append(element('span', `state ${instance.state}`, instance.state));

    const age = element('td', 'number age');
    const time = element('time', '', formatAge(instance.ageSeconds));
    time.dateTime = instance.lastSeen;
    time.title = new Date(instance.lastSeen).toLocaleString();
    age.append(time);
    // Half the TTL without a report: the instance is late and may be about to go.
    if (instance.ageSeconds > ttlSeconds / 2) age.classList.add('late');

    const file = element('td', 'file', instance.file || '–');
    file.title = instance.scene ? `${instance.file} (scene ${instance.scene})` : instance.file;

    tr.append(
      host,
      element('td', '', instance.instance),
      state,
      element('td', 'number frame', String(instance.currentFrame)),
      jobCell(instance),
      element('td', 'number', String(instance.framesRendered)),
      age,
      file,
      element('td', 'blender', [instance.blenderVersion, instance.engine].filter(Boolean).join(' · ') || '–'));
    return tr;
  }

  function renderSummary(summary) {
    $('count-rendering').textContent = summary.rendering;
    $('count-idle').textContent = summary.idle;
    $('count-hosts').textContent = summary.hosts;
    $('count-instances').textContent = summary.instances;
  }

  function renderTable() {
    const data = view.data;
    if (!data) return;

    const shown = sorted(visible(data.instances));
    $('rows').replaceChildren(...shown.map((i) => row(i, data.ttlSeconds)));
    $('shown').textContent = `${shown.length} of ${data.instances.length} instances shown`;

    const empty = $('empty');
    empty.hidden = shown.length > 0;
    empty.textContent = data.instances.length === 0
      ? `No Blender instance has reported in the last ${data.ttlSeconds} s.`
      : 'No instance matches the filter.';
  }

  function renderSortHeaders() {
    for (const th of document.querySelectorAll('th[data-sort]')) {
      if (th.dataset.sort === view.sortKey) {
        th.setAttribute('aria-sort', view.sortDirection > 0 ? 'ascending' : 'descending');
      } else {
        th.removeAttribute('aria-sort');
      }
    }
  }

  function setConnection(ok, message) {
    const status = $('connection');
    status.className = `connection ${ok ? 'ok' : 'lost'}`;
    status.textContent = message;
    $('instances').classList.toggle('stale', !ok);
  }

  async function poll() {
    try {
      const response = await fetch('api/instances', { cache: 'no-store', headers: { Accept: 'application/json' } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      view.data = await response.json();
      view.receivedAt = Date.now();
      renderSummary(view.data.summary);
      renderTable();
      setConnection(true, `Live · updated ${new Date(view.receivedAt).toLocaleTimeString()}`);
      await pollLost();
    } catch (error) {
      const since = view.receivedAt ? ` · showing data from ${new Date(view.receivedAt).toLocaleTimeString()}` : '';
      setConnection(false, `Server unreachable (${error.message})${since}`);
    } finally {
      setTimeout(poll, pollMilliseconds);
    }
  }

  // Lost renders change rarely: every fifth poll is enough.
  let lostPolls = 0;
  async function pollLost() {
    if (lostPolls % 5 !== 0) {
      lostPolls++;
      return;
    }
    let lost;
    try {
      const response = await fetch('api/lost-renders', { cache: 'no-store', headers: { Accept: 'application/json' } });
      if (!response.ok) return; // tried again next poll; the instances table stays as it is
      lost = (await response.json()).lostRenders.slice().reverse();
    } catch {
      return;
    }
    lostPolls++;
    const rows = lost.map((render) => {
      const tr = element('tr');
      const host = element('th', '', render.host);
      host.scope = 'row';
      tr.append(host, element('td', '', render.instance), element('td', '', render.renderJob || '–'),
        element('td', 'file', render.file || 'unsaved'), element('td', 'number', String(render.frame)),
        element('td', '', new Date(render.lostAt).toLocaleString()),
        element('td', '', render.cause === 'expired' ? 'stopped reporting' : 'Blender restarted'));
      return tr;
    });
    $('lost-rows').replaceChildren(...rows);
    $('lost').hidden = rows.length === 0;
  }

  // The filter lives in the address, so a wall screen can be bookmarked on its hosts.
  function saveFilterToAddress() {
    const url = new URL(window.location.href);
    for (const [key, value] of [['host', view.hostFilter], ['state', view.stateFilter]]) {
      if (value) url.searchParams.set(key, value); else url.searchParams.delete(key);
    }
    history.replaceState(null, '', url);
  }

  function start() {
    const params = new URLSearchParams(window.location.search);
    view.hostFilter = params.get('host') || '';
    view.stateFilter = ['rendering', 'idle'].includes(params.get('state')) ? params.get('state') : '';
    $('host-filter').value = view.hostFilter;
    $('state-filter').value = view.stateFilter;

    $('filters').addEventListener('submit', (event) => event.preventDefault());
    $('host-filter').addEventListener('input', (event) => {
      view.hostFilter = event.target.value;
      saveFilterToAddress();
      renderTable();
    });
    $('state-filter').addEventListener('change', (event) => {
      view.stateFilter = event.target.value;
      saveFilterToAddress();
      renderTable();
    });

    for (const th of document.querySelectorAll('th[data-sort]')) {
      th.querySelector('button').addEventListener('click', () => {
        view.sortDirection = view.sortKey === th.dataset.sort ? -view.sortDirection : 1;
        view.sortKey = th.dataset.sort;
        renderSortHeaders();
        renderTable();
      });
    }

    poll();
  }

  start();
})();
