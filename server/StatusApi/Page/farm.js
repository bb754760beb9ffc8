// The farm page: polls the farm's summary and the page of instances it shows, and redraws; no framework, no build step.
// The server filters, sorts and pages, so what a poll costs does not grow with the farm.
'use strict';

(() => {
  const pollMilliseconds = 1000;
  // Rows a page shows: a wall screen's worth and more, a few tens of kilobytes a poll at any farm size.
  const pageSize = 100;
  const $ = (id) => document.getElementById(id);

  // The page's sort keys as the API spells them (orderBy).
  const orderFields = {
    host: 'host',
    instance: 'instance',
    state: 'state',
    frame: 'currentFrame',
    progress: 'job.progress',
    rendered: 'framesRendered',
    age: 'ageSeconds',
    file: 'file',
    blender: 'blenderVersion',
  };

  const view = {
    overview: null,
    list: null,
    receivedAt: 0,
    sortKey: 'host',
    sortDirection: 1,
    hostFilter: '',
    stateFilter: '',
    // The token of each page from the first to the one shown (the first page's is empty), and where each starts.
    pageTokens: [''],
    pageStarts: [0],
    // What the lost-renders table was drawn from: refetched only when the summary says it changed.
    lostDrawn: null,
  };

  // Every fetch of the table has a number; a reply to an older one (a filter typed since) is dropped.
  let generation = 0;
  let timer = 0;

  // Controls, format characters (bidi overrides such as U+202E, zero-width ones), line and paragraph separators
  // and lone surrogates, as the check writes them: \uXXXX. A file "\u202egnp.exe" must not read as "exe.png".
  const unsafe = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

  function visible(text) {
    return String(text).replace(unsafe, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
  }

  // Every text from the server reaches the page through here (or visible() for attributes).
  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = visible(text);
    return node;
  }

  // A lost render's cause in words, or a failed one's reason as its Blender told it.
  function how(render) {
    if (render.cause === 'failed') return render.reason ? `failed: ${render.reason}` : 'failed';
    return render.cause === 'expired' ? 'stopped reporting' : 'Blender restarted';
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
      bar.setAttribute('aria-label', `Job progress of ${instance.host} instance ${visible(instance.instance)}`);
      bar.setAttribute('aria-valuemin', '0');
      bar.setAttribute('aria-valuemax', '100');
      bar.setAttribute('aria-valuenow', String(percent));
      bar.setAttribute('aria-valuetext', `frame ${instance.currentFrame} of ${range}, ${percent}%`);
      const fill = element('div', 'fill');
      fill.style.width = `${percent}%`;
      bar.append(fill);
      wrap.append(element('span', 'range', range), bar, element('span', 'percent', `${percent}%`));
      if (job.etaSeconds != null) wrap.append(element('span', 'eta', `ETA ${formatDuration(job.etaSeconds)}`));
      // How far the frame under way is, where Blender tells its samples.
      const share = instance.frame?.progress;
      if (share != null) wrap.append(element('span', 'frame-progress', `frame ${Math.round(share * 100)}%`));
    }

    cell.append(wrap);
    return cell;
  }

  // The current frame, and for the frame under way since when it renders and when it last showed progress.
  function frameCell(instance) {
    const cell = element('td', 'number frame', String(instance.currentFrame));
    const frame = instance.frame;
    if (frame) {
      cell.title = `frame started ${new Date(frame.startedAt).toLocaleString()}, last progress ${new Date(frame.progressAt).toLocaleString()}`;
    }
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
    file.title = visible(instance.scene ? `${instance.file} (scene ${instance.scene})` : instance.file);

    tr.append(
      host,
      element('td', '', instance.instance),
      state,
      frameCell(instance),
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
    const { list, overview } = view;
    if (!list || !overview) return;

    const shown = list.instances;
    const page = view.pageTokens.length - 1;
    const start = view.pageStarts[page];
    const total = overview.summary.instances;
    const matching = list.summary.instances;
    $('rows').replaceChildren(...shown.map((i) => row(i, list.ttlSeconds)));

    const paged = page > 0 || list.nextPageToken != null;
    if (!paged) {
      $('shown').textContent = `${shown.length} of ${total} instances shown`;
    } else {
      const range = shown.length ? `${start + 1}–${start + shown.length}` : 'none';
      $('shown').textContent = `${range} of ${matching} instances shown${matching !== total ? ` (${total} in all)` : ''}`;
    }

    $('pager').hidden = !paged;
    $('page-previous').disabled = page === 0;
    $('page-next').disabled = list.nextPageToken == null;
    $('page-position').textContent = `Page ${page + 1} of ${Math.max(page + 1, Math.ceil(matching / pageSize))}`;

    const empty = $('empty');
    empty.hidden = shown.length > 0;
    empty.textContent = total === 0
      ? `No Blender instance has reported in the last ${list.ttlSeconds} s.`
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

  function listAddress() {
    const params = new URLSearchParams();
    const host = view.hostFilter.trim();
    if (host) params.set('hostContains', host);
    if (view.stateFilter) params.set('state', view.stateFilter);
    if (view.sortKey !== 'host' || view.sortDirection < 0) {
      params.set('orderBy', `${orderFields[view.sortKey]}${view.sortDirection < 0 ? ' desc' : ''}`);
    }
    params.set('pageSize', String(pageSize));
    const token = view.pageTokens[view.pageTokens.length - 1];
    if (token) params.set('pageToken', token);
    return `api/instances?${params}`;
  }

  async function getJson(address) {
    const response = await fetch(address, { cache: 'no-store', headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.json();
  }

  // Back to the first page: another filter or order is another list, and its tokens are not this one's.
  function firstPage() {
    view.pageTokens = [''];
    view.pageStarts = [0];
  }

  async function poll() {
    clearTimeout(timer);
    const current = ++generation;
    try {
      const [overview, list] = await Promise.all([getJson('api/summary'), getJson(listAddress())]);
      if (current !== generation) return;
      // The shown page emptied (its instances went away): the one before it still has some.
      if (list.instances.length === 0 && view.pageTokens.length > 1) {
        view.pageTokens.pop();
        view.pageStarts.pop();
        poll();
        return;
      }
      view.overview = overview;
      view.list = list;
      view.receivedAt = Date.now();
      renderSummary(overview.summary);
      renderTable();
      setConnection(true, `Live · updated ${new Date(view.receivedAt).toLocaleTimeString()}`);
      await pollLost(overview);
    } catch (error) {
      if (current !== generation) return;
      // A page token the server no longer takes (a new server version): start again from the first page.
      if (error.message === 'HTTP 400') firstPage();
      const since = view.receivedAt ? ` · showing data from ${new Date(view.receivedAt).toLocaleTimeString()}` : '';
      setConnection(false, `Server unreachable (${error.message})${since}`);
    }
    if (current === generation) timer = setTimeout(poll, pollMilliseconds);
  }

  // Lost renders change rarely: fetched only when the summary's count or newest loss differs from the table's.
  async function pollLost(overview) {
    const changed = `${overview.lostRenders} ${overview.lastLostAt}`;
    if (changed === view.lostDrawn) return;
    let lost = [];
    let omitted = 0;
    if (overview.lostRenders > 0) {
      try {
        const response = await fetch('api/lost-renders', { cache: 'no-store', headers: { Accept: 'application/json' } });
        if (!response.ok) return; // tried again next poll; the instances table stays as it is
        const list = await response.json();
        lost = list.lostRenders.slice().reverse();
        omitted = list.omitted || 0; // absent from an older server's answer
      } catch {
        return;
      }
    }
    view.lostDrawn = changed;
    const rows = lost.map((render) => {
      const tr = element('tr');
      const host = element('th', '', render.host);
      host.scope = 'row';
      tr.append(host, element('td', '', render.instance), element('td', '', render.renderJob || '–'),
        element('td', 'file', render.file || 'unsaved'), element('td', 'number', String(render.frame)),
        element('td', '', new Date(render.lostAt).toLocaleString()),
        element('td', '', how(render)));
      return tr;
    });
    $('lost-rows').replaceChildren(...rows);
    $('lost-omitted').textContent = omitted > 0 ? `${omitted} older not shown.` : '';
    $('lost-omitted').hidden = omitted === 0;
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
      firstPage();
      poll();
    });
    $('state-filter').addEventListener('change', (event) => {
      view.stateFilter = event.target.value;
      saveFilterToAddress();
      firstPage();
      poll();
    });

    for (const th of document.querySelectorAll('th[data-sort]')) {
      th.querySelector('button').addEventListener('click', () => {
        view.sortDirection = view.sortKey === th.dataset.sort ? -view.sortDirection : 1;
        view.sortKey = th.dataset.sort;
        renderSortHeaders();
        firstPage();
        poll();
      });
    }

    $('page-next').addEventListener('click', () => {
      if (!view.list || view.list.nextPageToken == null) return;
      view.pageStarts.push(view.pageStarts[view.pageStarts.length - 1] + view.list.instances.length);
      view.pageTokens.push(view.list.nextPageToken);
      poll();
    });
    $('page-previous').addEventListener('click', () => {
      if (view.pageTokens.length === 1) return;
      view.pageTokens.pop();
      view.pageStarts.pop();
      poll();
    });

    poll();
  }

  start();
})();
