// Mrq's dashboard page: plain JavaScript, no build step. Everything it shows comes from the JSON API next to it
// (relative URLs, so it works under any path base). Data is only ever put in the page as text (textContent and
// attribute values), never as HTML.
"use strict";

(function () {
  const main = document.getElementById("main");
  const errorBox = document.getElementById("error");
  const refreshSelect = document.getElementById("refresh");
  const finishedHistory = []; // [time ms, finished jobs] samples for the jobs/s chart
  let config = { readOnly: true, staleWorkerSeconds: 30 };
  let timer = null;
  let logTimer = null;
  let renderToken = 0;
  let actionNotice = null; // {hash, text}: the last action's result, shown again by the refreshes of its page

  // ---- DOM helpers ------------------------------------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else if (name === "className") node.className = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }

  function link(hash, text) { return el("a", { href: hash }, text); }

  function jobsLink(filter, text) {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(filter)) if (v !== null && v !== undefined && v !== "") query.set(k, v);
    return link("#/jobs?" + query.toString(), text);
  }

  function statusLabel(status) { return el("span", { className: "status status-" + status }, status); }

  function table(headers, rows, numeric) {
    const numericSet = new Set(numeric || []);
    return el("table", {},
      el("thead", {}, el("tr", {}, headers.map((h, i) => el("th", { className: numericSet.has(i) ? "num" : null }, h)))),
      el("tbody", {}, rows.length === 0
        ? el("tr", {}, el("td", { colspan: headers.length, className: "muted" }, "Nothing to show."))
        : rows.map(cells => el("tr", {}, cells.map((c, i) => el("td", { className: numericSet.has(i) ? "num" : null }, c))))));
  }

  function fmtNumber(n) { return n === null || n === undefined ? "" : Number(n).toLocaleString("en-US"); }

  function fmtDate(d) { return d ? new Date(d).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z") : ""; }

  // A number of seconds as "12 s", "5 min", "1.5 h" or "2.0 d".
  function duration(s) {
    if (s < 60) return Math.round(s) + " s";
    if (s < 3600) return Math.round(s / 60) + " min";
    if (s < 86400) return (s / 3600).toFixed(1) + " h";
    return (s / 86400).toFixed(1) + " d";
  }

  function ago(d) {
    return d ? duration(Math.max(0, (Date.now() - new Date(d).getTime()) / 1000)) + " ago" : "";
  }

  // A time to come, for jobs waiting in retry: "in 5 min", or "now" once it has passed (the next maintenance queues it).
  function until(d) {
    const s = (new Date(d).getTime() - Date.now()) / 1000;
    return s <= 0 ? "now" : "in " + duration(s);
  }

  function fmtBytes(b) {
    if (!b) return "";
    const units = ["B", "KB", "MB", "GB", "TB"];
    let i = 0;
    while (b >= 1024 && i < units.length - 1) { b /= 1024; i++; }
    return b.toFixed(i === 0 ? 0 : 1) + " " + units[i];
  }

  function progress(p) {
    if (p === null || p === undefined) return "";
    return el("span", { className: "progress", title: Math.round(p * 100) + "%" }, el("span", { style: null, "data-p": p }));
  }

  // ---- API ----------------------------------------------------------------------------------------------------------

  async function api(path) {
    const response = await fetch("api/" + path, { headers: { Accept: "application/json" }, cache: "no-store" });
    if (!response.ok) throw new Error(await errorText(response));
    return response.json();
  }

  async function act(path, body) {
    const response = await fetch("api/" + path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Mrq-Dashboard": "1", Accept: "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(await errorText(response));
    return response.json();
  }

  async function errorText(response) {
    try { return (await response.json()).error || response.statusText; } catch { return response.status + " " + response.statusText; }
  }

  function showError(e) {
    errorBox.textContent = e && e.message ? e.message : String(e);
    errorBox.hidden = false;
  }

  // ---- Routing ------------------------------------------------------------------------------------------------------

  function route() {
    const hash = location.hash.replace(/^#/, "") || "/";
    const [path, query] = hash.split("?");
    return { path, params: new URLSearchParams(query || "") };
  }

  const pages = {
    "/": overviewPage,
    "/statuses": statusesPage,
    "/queues": queuesPage,
    "/queues/raw": rawItemsPage,
    "/jobs": jobsPage,
    "/paths": pathsPage,
    "/exceptions": exceptionsPage,
    "/workers": workersPage,
    "/scheduled": scheduledPage,
    "/tasks": tasksPage,
  };

  async function render(full) {
    const token = ++renderToken;
    const { path, params } = route();
    for (const a of document.querySelectorAll("#nav a")) {
      const target = a.getAttribute("href").slice(1);
      a.classList.toggle("active", target === path || (target !== "/" && path.startsWith(target + "/")));
    }
    let page = pages[path];
    let arg = params;
    if (!page && path.startsWith("/job/")) { page = jobPage; arg = decodeURIComponent(path.slice(5)); }
    if (!page) { page = async () => [el("h1", {}, "Not found")]; }
    try {
      const content = await page(arg, full);
      if (token !== renderToken) return; // a newer render started meanwhile
      if (content) {
        const focused = document.activeElement && document.activeElement.id;
        main.replaceChildren(...content);
        for (const bar of main.querySelectorAll(".progress > span")) bar.style.width = Math.round(Number(bar.dataset.p) * 100) + "%";
        if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
      }
      errorBox.hidden = true;
      main.dataset.page = path;
      main.dataset.rendered = String(token);
    } catch (e) {
      showError(e);
    }
  }

  function schedule() {
    if (timer) clearInterval(timer);
    const seconds = Number(refreshSelect.value);
    localStorage.setItem("mrq.refresh", String(seconds));
    timer = seconds > 0 ? setInterval(() => { if (!main.querySelector("form.filters :focus")) render(false); }, seconds * 1000) : null;
  }

  // ---- Pages --------------------------------------------------------------------------------------------------------

  async function overviewPage() {
    const o = await api("overview");
    finishedHistory.push([Date.now(), o.finishedJobs]);
    while (finishedHistory.length > 120) finishedHistory.shift();
    const cards = [
      card(fmtNumber(o.totalJobs), "jobs stored"),
      ...o.statuses.map(s => card(link("#/jobs?status=" + encodeURIComponent(s.name), fmtNumber(s.count)), s.name)),
    ];
    const workers = [
      card(fmtNumber(o.workersBusy) + " / " + fmtNumber(o.workers), "workers busy / total"),
      card(fmtNumber(o.jobsRunning) + " / " + fmtNumber(o.greenlets), "jobs running / greenlets"),
      card(o.workersStale > 0 ? el("span", { className: "stale" }, fmtNumber(o.workersStale)) : "0", "stale workers"),
    ];
    return [
      el("h1", {}, "Overview"),
      el("div", { className: "cards", id: "status-cards" }, cards),
      el("h2", {}, "Workers"),
      el("div", { className: "cards" }, workers),
      el("h2", {}, "Jobs finished per second"),
      speedChart(),
    ];
  }

  function card(value, label) { return el("div", { className: "card" }, el("div", { className: "value" }, value), el("div", { className: "label" }, label)); }

  function speedChart() {
    const rates = [];
    for (let i = 1; i < finishedHistory.length; i++) {
      const [t0, n0] = finishedHistory[i - 1];
      const [t1, n1] = finishedHistory[i];
      rates.push(Math.max(0, (n1 - n0) / Math.max(0.001, (t1 - t0) / 1000)));
    }
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 600 120");
    svg.setAttribute("preserveAspectRatio", "none");
    const max = Math.max(1, ...rates);
    if (rates.length > 1) {
      const points = rates.map((r, i) => (i * 600 / (rates.length - 1)).toFixed(1) + "," + (115 - r * 105 / max).toFixed(1)).join(" ");
      const line = document.createElementNS(ns, "polyline");
      line.setAttribute("points", points);
      svg.appendChild(line);
    }
    const last = rates.length ? rates[rates.length - 1] : 0;
    return el("div", { className: "chart" },
      el("div", { className: "muted" }, rates.length ? `now ${last.toFixed(1)} jobs/s, peak ${max.toFixed(1)} (since this page opened, one point per refresh)` : "Measuring: one point per refresh."),
      svg);
  }

  async function statusesPage() {
    const statuses = await api("statuses");
    return [
      el("h1", {}, "Statuses"),
      table(["Status", "Jobs"], statuses.map(s => [statusLabel(s.name), jobsLink({ status: s.name }, fmtNumber(s.count))]), [1]),
    ];
  }

  async function pathsPage() {
    const paths = await api("paths");
    return [
      el("h1", {}, "Task paths"),
      table(["Path", "Jobs", "By status"], paths.map(p => [
        jobsLink({ path: p.path }, p.path),
        fmtNumber(p.total),
        p.statuses.map(s => [jobsLink({ path: p.path, status: s.name }, s.name + " " + fmtNumber(s.count)), " "]),
      ]), [1]),
    ];
  }

  async function exceptionsPage() {
    const rows = await api("exceptions");
    return [
      el("h1", {}, "Exceptions"),
      table(["Path", "Exception", "Jobs"], rows.map(r => [
        jobsLink({ path: r.path }, r.path),
        jobsLink({ path: r.path, exceptiontype: r.exceptionType }, r.exceptionType),
        fmtNumber(r.count),
      ]), [2]),
    ];
  }

  function pauseButton(queue, paused) {
    if (config.readOnly) return paused ? "paused" : "";
    return el("button", {
      className: paused ? "" : "secondary",
      "data-queue": queue,
      onclick: async () => {
        try { await act(paused ? "queues/resume" : "queues/pause", { queue }); await render(true); } catch (e) { showError(e); }
      },
    }, paused ? "Resume" : "Pause");
  }

  async function queuesPage() {
    const q = await api("queues");
    const statusCell = statuses => statuses.map(s => [statusLabel(s.name), " ", fmtNumber(s.count), " "]);
    return [
      el("h1", {}, "Queues"),
      el("h2", {}, "Regular queues"),
      table(["Queue", "Jobs", "By status", "Paused", ""], q.regular.map(r => [
        jobsLink({ queue: r.name }, r.name),
        fmtNumber(r.total),
        statusCell(r.statuses),
        r.paused ? "yes" : "no",
        pauseButton(r.name, r.paused),
      ]), [1]),
      el("h2", {}, "Raw queues"),
      table(["Queue", "Type", "Waiting", "Due", "Stored jobs", "No storage for", "Paused", ""], q.raw.map(r => [
        link("#/queues/raw?queue=" + encodeURIComponent(r.name), r.name),
        r.type,
        fmtNumber(r.size),
        r.due === null ? "" : fmtNumber(r.due),
        r.statuses.length ? [jobsLink({ queue: r.name }, "all"), " ", statusCell(r.statuses)] : "",
        r.statusesNoStorage.join(", "),
        r.paused ? "yes" : "no",
        pauseButton(r.name, r.paused),
      ]), [2, 3]),
      ...(q.rateLimits.length ? [
        el("h2", {}, "Rate limits"),
        el("p", { className: "muted" }, "QUEUES_CONFIG's rate_limit entries as this dashboard's configuration gives them; a queue's subqueues share its limit."),
        table(["Queue", "Limit", "Started this window", "Next window"], q.rateLimits.map(l => [
          jobsLink({ queue: l.queue }, l.queue),
          fmtNumber(l.limit) + " per " + duration(l.perSeconds),
          fmtNumber(Math.min(l.started, l.limit)) + (l.started >= l.limit ? " (full)" : ""),
          until(l.windowEnds),
        ]), [1, 2]),
      ] : []),
    ];
  }

  async function rawItemsPage(params) {
    const queue = params.get("queue") || "";
    const skip = Number(params.get("skip") || 0);
    const r = await api("queues/raw?" + new URLSearchParams({ queue, skip, limit: 50 }).toString());
    const scored = r.type === "sorted_set" || r.type === "timed_set";
    return [
      el("h1", {}, "Raw queue ", el("code", {}, r.queue), " ", el("span", { className: "muted" }, r.type)),
      el("p", {}, jobsLink({ queue: r.queue }, "Jobs stored from this queue")),
      table(scored ? ["Raw param", r.type === "timed_set" ? "Due" : "Score"] : ["Raw param"], r.items.map(i => scored
        ? [el("code", {}, i.value), r.type === "timed_set" ? fmtDate(i.score * 1000) : String(i.score)]
        : [el("code", {}, i.value)]), [1]),
      pager(skip, 50, r.items.length === 50 ? skip + 51 : skip + r.items.length, false, s => "#/queues/raw?" + new URLSearchParams({ queue, skip: s }).toString()),
    ];
  }

  const filterFields = [["queue", "Queue (x/ for subqueues)"], ["path", "Path"], ["status", "Status (a-b)"], ["worker", "Worker"], ["exceptiontype", "Exception"], ["id", "Id"], ["params", "Params (JSON)"]];

  async function jobsPage(params) {
    // Pages follow the store's cursor ("after"); "pos" only numbers the rows shown.
    const after = params.get("after") || "";
    const pos = Number(params.get("pos") || 0);
    const limit = Number(params.get("limit") || 20);
    const filter = {};
    for (const [name] of filterFields) if (params.get(name)) filter[name] = params.get(name);
    const query = new URLSearchParams({ ...filter, limit });
    if (after) query.set("after", after);
    const r = await api("jobs?" + query.toString());
    const form = el("form", { className: "filters", id: "job-filters", onsubmit: e => {
      e.preventDefault();
      const next = new URLSearchParams();
      for (const [name] of filterFields) { const v = form.elements[name].value.trim(); if (v) next.set(name, v); }
      location.hash = "#/jobs?" + next.toString();
    } },
      filterFields.map(([name, label]) => el("label", {}, label, el("input", { name, id: "filter-" + name, value: filter[name] || "", size: name === "params" ? 24 : 14 }))),
      el("button", { type: "submit" }, "Filter"),
      el("button", { type: "button", className: "secondary", onclick: () => { location.hash = "#/jobs"; } }, "Clear"));
    const total = fmtNumber(r.total) + (r.totalIsLowerBound ? "+" : "");
    const content = [el("h1", {}, "Jobs"), form];
    if (!config.readOnly && Object.keys(filter).length > 0) content.push(bulkActions(filter, total));
    content.push(
      table(["Job", "Params", "Status", "Queued", "Started", "Time", "Queue", "Worker"], r.jobs.map(j => [
        [link("#/job/" + encodeURIComponent(j.id), j.path), el("div", { className: "mono muted" }, j.id)],
        el("code", { className: "params" }, j.params),
        [statusLabel(j.status), j.exceptionType ? [" ", el("span", { className: "mono" }, j.exceptionType)] : "", " ", progress(j.progress), j.retryCount ? el("div", { className: "muted" }, "retries: " + j.retryCount) : "",
          j.status === "retry" && j.dateRetry ? el("div", { className: "muted", title: fmtDate(j.dateRetry) }, (j.retryCount ? "runs again " : "delayed, runs ") + until(j.dateRetry)) : ""],
        el("span", { title: fmtDate(j.dateQueued) }, ago(j.dateQueued)),
        el("span", { title: fmtDate(j.dateStarted) }, ago(j.dateStarted)),
        j.totalTime === null ? "" : j.totalTime.toFixed(3) + " s",
        jobsLink({ queue: j.queue }, j.queue),
        j.worker ? jobsLink({ worker: j.worker }, j.worker) : "",
      ])),
      cursorPager(after, pos, r, p => "#/jobs?" + new URLSearchParams({ ...filter, limit, ...p }).toString()));
    return content;
  }

  function bulkActions(filter, total) {
    const destination = el("input", { id: "destination-queue", placeholder: "destination queue (optional)", size: 22 });
    const notice = el("span", { id: "notice" }, actionNotice && actionNotice.hash === location.hash ? actionNotice.text : "");
    const run = action => async () => {
      try {
        const r = await act("jobs/action", { action, ...filter, destinationQueue: destination.value.trim() || null });
        actionNotice = { hash: location.hash, text: `${action}: ${r.count} job(s)` };
        notice.textContent = actionNotice.text;
        await render(false);
      } catch (e) { showError(e); }
    };
    return el("div", { className: "actions" },
      el("strong", {}, `All ${total} matching jobs:`),
      el("button", { id: "action-requeue", onclick: run("requeue") }, "Requeue"),
      el("button", { id: "action-requeue-retry", className: "secondary", onclick: run("requeue_retry") }, "Requeue keeping retry count"),
      destination,
      el("button", { id: "action-cancel", className: "danger", onclick: run("cancel") }, "Cancel"),
      notice);
  }

  function cursorPager(after, pos, r, hrefFor) {
    const parts = [];
    if (after) parts.push(link(hrefFor({}), "« first"));
    const shown = r.jobs.length === 0 ? "0" : `${pos + 1}–${pos + r.jobs.length}`;
    parts.push(el("span", {}, `${shown} of ${fmtNumber(r.total)}${r.totalIsLowerBound ? "+" : ""}`));
    if (r.next) parts.push(link(hrefFor({ after: r.next, pos: pos + r.jobs.length }), r.partial ? "search further ›" : "next ›"));
    if (r.partial) parts.push(el("div", { className: "muted", id: "jobs-partial" },
      "No index serves this filter: this page searched a bounded number of the newest jobs and found these; more may match further on."));
    return el("div", { className: "pager" }, parts);
  }

  function pager(skip, limit, total, lowerBound, hrefFor) {
    const parts = [];
    if (skip > 0) parts.push(link(hrefFor(Math.max(0, skip - limit)), "‹ previous"));
    parts.push(el("span", {}, `${total === 0 ? 0 : skip + 1}–${Math.min(skip + limit, total)} of ${fmtNumber(total)}${lowerBound ? "+" : ""}`));
    if (skip + limit < total) parts.push(link(hrefFor(skip + limit), "next ›"));
    return el("div", { className: "pager" }, parts);
  }

  async function jobPage(id, full) {
    const d = await api("jobs/" + encodeURIComponent(id));
    const j = d.job;
    const logs = el("pre", { id: "job-logs" }, "");
    const fields = [
      ["Id", el("span", { className: "mono" }, j.id)], ["Path", jobsLink({ path: j.path }, j.path)], ["Queue", jobsLink({ queue: j.queue }, j.queue)],
      ["Status", [statusLabel(j.status), " ", progress(j.progress), j.progress !== null ? " " + Math.round(j.progress * 100) + "%" : ""]],
      ["Exception", j.exceptionType || ""], ["Worker", j.worker ? jobsLink({ worker: j.worker }, j.worker) : ""],
      ["Queued", fmtDate(j.dateQueued)], ["Started", fmtDate(j.dateStarted)], ["Updated", fmtDate(j.dateUpdated)],
      ["Expires", fmtDate(d.dateExpires)], ["Retry due", fmtDate(d.dateRetry)], ["Retries", String(j.retryCount)],
      ["Total time", j.totalTime === null ? "" : j.totalTime.toFixed(3) + " s"], ["Raw queue", j.rawQueue || ""],
    ];
    const content = [
      el("h1", {}, "Job ", el("code", {}, j.path)),
      el("dl", { className: "fields" }, fields.map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])),
      el("h2", {}, "Params"), el("pre", { id: "job-params" }, j.params),
      el("h2", {}, "Result"), el("pre", { id: "job-result" }, d.result === null ? "(none)" : d.result),
    ];
    if (d.traceback) content.push(el("h2", {}, "Traceback"), el("pre", { id: "job-traceback" }, d.traceback));
    if (d.tracebackHistory.length) {
      content.push(el("h2", {}, "Traceback history"), table(["Date", "Status", "Exception", "Worker", "Traceback"], d.tracebackHistory.map(t => [
        fmtDate(t.date), statusLabel(t.status), t.exceptionType || "", t.worker || "",
        el("pre", {}, t.traceback || "", t.originalTraceback ? "\n\nOriginal trace:\n" + t.originalTraceback : ""),
      ])));
    }
    content.push(el("h2", {}, "Logs ", el("span", { className: "muted" }, "(tailing)")), logs);
    if (full || !document.getElementById("job-logs") || main.dataset.job !== id) {
      startLogs(id, logs);
    } else {
      // A refresh keeps the log element that is being tailed.
      return content.slice(0, -1).concat([document.getElementById("job-logs")]);
    }
    main.dataset.job = id;
    return content;
  }

  function startLogs(id, target) {
    if (logTimer) clearTimeout(logTimer);
    let cursor = "";
    const poll = async () => {
      if (!location.hash.startsWith("#/job/")) return;
      try {
        const r = await api(`jobs/${encodeURIComponent(id)}/logs?cursor=${encodeURIComponent(cursor)}`);
        if (r.logs) target.appendChild(document.createTextNode(r.logs));
        cursor = r.cursor || cursor;
      } catch (e) { showError(e); }
      logTimer = setTimeout(poll, 1000);
    };
    poll();
  }

  async function workersPage() {
    const workers = await api("workers");
    return [
      el("h1", {}, "Workers"),
      table(["Worker", "Status", "Queues", "Jobs / greenlets", "Last report", "Memory", "CPU user / sys", "Done", "Running"], workers.map(w => [
        [el("div", {}, w.name), el("div", { className: "mono muted" }, w.id + " · pid " + w.pid)],
        w.stale ? el("span", { className: "stale" }, w.status + " (stale)") : w.status,
        w.queues.join(" "),
        w.jobsRunning + " / " + w.greenlets,
        el("span", { title: fmtDate(w.dateReported), className: w.stale ? "stale" : null }, ago(w.dateReported)),
        fmtBytes(w.memoryRss),
        w.cpuUser.toFixed(1) + " s / " + w.cpuSystem.toFixed(1) + " s",
        jobsLink({ worker: w.id }, fmtNumber(w.doneJobs)),
        w.jobs.map(j => el("div", {}, link("#/job/" + encodeURIComponent(j.id), j.path), " ", el("span", { className: "muted" }, ago(j.dateStarted)))),
      ]), [7]),
    ];
  }

  async function scheduledPage() {
    const rows = await api("scheduled");
    return [
      el("h1", {}, "Scheduled tasks"),
      table(["Path", "Params", "Queue", "Every", "Last queued", "Next", ""], rows.map(s => [
        jobsLink({ path: s.path }, s.path),
        el("code", {}, s.params || ""),
        s.queue || "",
        // A cron expression is in UTC unless it names its zone (CRON_TZ=Europe/Paris ...).
        s.cron ? el("code", {}, "cron " + s.cron + (/^(CRON_)?TZ=/i.test(s.cron) ? "" : " (UTC)"))
          : s.interval ? s.interval + " s" : [s.dailyTime ? "daily at " + s.dailyTime + " (UTC)" : "", s.weekday !== null ? " weekday " + s.weekday : "", s.monthday !== null ? " day " + s.monthday : ""],
        fmtDate(s.dateLastQueued),
        s.nextDue ? fmtDate(s.nextDue) + " (" + until(s.nextDue) + ")" : "",
        config.readOnly ? "" : el("button", {
          className: "secondary",
          "data-hash": s.hash,
          onclick: async () => {
            // The new job's page: its status, then its result, as the worker gets to it.
            try {
              const r = await act("scheduled/run", { hash: s.hash });
              location.hash = "#/job/" + encodeURIComponent(r.id);
            } catch (e) { showError(e); }
          },
        }, "Run now"),
      ])),
    ];
  }

  async function tasksPage() {
    const c = await api("catalog");
    return [
      el("h1", {}, "Task catalog"),
      el("p", { className: "muted" }, "The tasks and raw-queue factories compiled into this process."),
      el("p", { className: "muted" }, "Options as each task's [MrqTask] attribute gives them; blank where it gives none (the configured or built-in default applies)."),
      table(["Path", "Default queue", ...c.taskOptions], c.tasks.map(t => [
        jobsLink({ path: t.path }, t.path), t.queue, ...t.options.map(v => v === null ? "" : String(v)),
      ])),
      el("h2", {}, "Raw queues"),
      table(["Queue", "Factory", "Retry queue", "No storage for", "Pushback"], c.rawQueues.map(q => [
        link("#/queues/raw?queue=" + encodeURIComponent(q.name), q.name), el("code", {}, q.factory), q.retryQueue, q.statusesNoStorage.join(", "), String(q.pushbackSeconds),
      ])),
    ];
  }

  // ---- Start --------------------------------------------------------------------------------------------------------

  async function start() {
    try {
      config = await api("config");
    } catch (e) {
      showError(e);
    }
    document.getElementById("mode").textContent = config.readOnly ? "read-only" : "";
    const saved = localStorage.getItem("mrq.refresh");
    if (saved !== null && [...refreshSelect.options].some(o => o.value === saved)) refreshSelect.value = saved;
    refreshSelect.addEventListener("change", schedule);
    window.addEventListener("hashchange", () => render(true));
    schedule();
    await render(true);
  }

  start();
})();
