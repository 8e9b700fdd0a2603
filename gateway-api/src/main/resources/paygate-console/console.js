// Paygate ops console. No framework and no inline script (the CSP forbids it). Every value from the server is
// written with textContent, never as HTML: endpoint URLs and ids come from merchants.
'use strict';

(function () {
  const MAX_EVENTS = 200;
  const REFRESH_MS = 4000;
  let source = null;
  let refreshTimer = null;
  let countsTimer = null;
  let streaming = false;

  const $ = (id) => document.getElementById(id);

  async function api(path, options) {
    const response = await fetch(path, Object.assign({ credentials: 'same-origin', cache: 'no-store' }, options));
    if (response.status === 401) {
      showLogin();
      throw new Error('unauthorized');
    }
    const text = await response.text();
    const body = text ? JSON.parse(text) : null;
    if (!response.ok) {
      throw new Error(body && body.detail ? body.detail : 'HTTP ' + response.status);
    }
    return body;
  }

  function cell(row, value, className) {
    const td = document.createElement('td');
    td.textContent = value === null || value === undefined ? '' : String(value);
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  function money(amount, currency) {
    if (amount === null || amount === undefined) return '';
    return (amount / 100).toFixed(2) + (currency ? ' ' + currency : '');
  }

  function duration(seconds) {
    if (seconds < 120) return seconds + ' s';
    if (seconds < 7200) return Math.floor(seconds / 60) + ' min';
    return Math.floor(seconds / 3600) + ' h';
  }

  /** The time alone for today, the date too for anything older. */
  function when(iso) {
    if (!iso) return '';
    const date = new Date(iso);
    return date.toDateString() === new Date().toDateString() ? date.toLocaleTimeString() : date.toLocaleString();
  }

  function replaceRows(tbody, rows) {
    tbody.replaceChildren(...rows);
  }

  function showLogin() {
    stop();
    $('dashboard').hidden = true;
    $('logout').hidden = true;
    $('login').hidden = false;
    setLive(false);
    $('token').focus();
  }

  function showDashboard(status) {
    $('login').hidden = true;
    $('dashboard').hidden = false;
    $('logout').hidden = false;
    $('counts-window').textContent = 'last ' + duration(status.countWindowSeconds);
    $('failing-window').textContent = 'failed attempts in the last ' + duration(status.failingWindowSeconds)
      + ', failing now, or disabled';
    $('pending-age').textContent = 'pending longer than ' + duration(status.pendingRefundAgeSeconds);
    streaming = status.streaming;
    connect();
    refreshAll();
    refreshTimer = setInterval(refreshAll, REFRESH_MS);
  }

  function stop() {
    if (source) source.close();
    source = null;
    clearInterval(refreshTimer);
    clearTimeout(countsTimer);
  }

  function setLive(connected) {
    const live = connected && streaming;
    const badge = $('live-status');
    badge.textContent = live ? 'live' : (connected ? 'connecting' : 'offline');
    badge.className = 'status ' + (live ? 'on' : 'off');
    badge.dataset.live = String(live);
  }

  function connect() {
    source = new EventSource('/console/events');
    source.onopen = () => setLive(true);
    source.onerror = () => {
      setLive(false);
      // a dead session ends the stream for good: find out whether to log in again
      if (source && source.readyState === EventSource.CLOSED) checkStatus();
    };
    source.addEventListener('state-change', (message) => {
      addEvent(JSON.parse(message.data));
      clearTimeout(countsTimer);
      countsTimer = setTimeout(refreshCounts, 700);
    });
  }

  function addEvent(event) {
    const row = document.createElement('tr');
    row.dataset.eventId = event.id;
    row.dataset.type = event.type;
    row.dataset.resourceId = event.resourceId;
    cell(row, when(event.time));
    cell(row, event.type, 'type');
    cell(row, event.resourceId, 'id');
    cell(row, event.status, 'status');
    cell(row, money(event.amount, event.currency), 'num');
    cell(row, event.merchantId, 'id');
    cell(row, event.id, 'id');
    const tbody = $('events').tBodies[0];
    tbody.insertBefore(row, tbody.firstChild);
    while (tbody.rows.length > MAX_EVENTS) tbody.deleteRow(-1);
  }

  async function refreshCounts() {
    const counts = await api('/console/api/counts');
    const rows = Object.entries(counts.counts).map(([type, n]) => {
      const row = document.createElement('tr');
      row.dataset.type = type;
      cell(row, type);
      cell(row, n, 'num count');
      return row;
    });
    replaceRows($('counts').tBodies[0], rows);
    $('counts-total').textContent = String(counts.total);
  }

  async function refreshDeadLetters() {
    const letters = await api('/console/api/dead-letters');
    const rows = letters.data.map((letter) => {
      const row = document.createElement('tr');
      row.dataset.deliveryId = letter.id;
      cell(row, when(letter.failedAt));
      cell(row, letter.id, 'id');
      cell(row, letter.eventType);
      cell(row, letter.merchantId, 'id');
      cell(row, letter.endpointUrl, 'url');
      cell(row, letter.attempts, 'num');
      cell(row, letter.lastStatusCode === null ? 'no answer' : letter.lastStatusCode, 'num');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'retry';
      button.textContent = 'Retry';
      button.addEventListener('click', () => retry(letter, button));
      cell(row, '').appendChild(button);
      return row;
    });
    replaceRows($('dead-letters').tBodies[0], rows);
  }

  async function retry(letter, button) {
    button.disabled = true;
    try {
      const delivery = await api('/console/api/dead-letters/' + encodeURIComponent(letter.id) + '/retry', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Console-Request': '1' },
        body: JSON.stringify({ merchantId: letter.merchantId })
      });
      $('retry-message').textContent = 'Delivery ' + delivery.id + ' is ' + delivery.status + ' again.';
      await refreshDeadLetters();
    } catch (e) {
      $('retry-message').textContent = 'Retry of ' + letter.id + ' failed: ' + e.message;
      button.disabled = false;
    }
  }

  async function refreshFailing() {
    const endpoints = await api('/console/api/failing-endpoints');
    const rows = endpoints.data.map((e) => {
      const row = document.createElement('tr');
      row.dataset.endpointId = e.id;
      cell(row, e.id, 'id');
      cell(row, e.merchantId, 'id');
      cell(row, e.url, 'url');
      cell(row, e.status + (e.disabledReason ? ' (' + e.disabledReason + ')' : ''));
      cell(row, e.failedAttempts, 'num');
      cell(row, when(e.lastFailureAt));
      cell(row, e.lastStatusCode !== null ? e.lastStatusCode : (e.lastError || ''));
      cell(row, e.deadLetters, 'num');
      return row;
    });
    replaceRows($('failing-endpoints').tBodies[0], rows);
  }

  async function refreshPending() {
    const pending = await api('/console/api/pending-refunds');
    const rows = pending.data.map((r) => {
      const row = document.createElement('tr');
      row.dataset.refundId = r.id;
      cell(row, when(r.created));
      cell(row, r.id, 'id');
      cell(row, r.paymentId, 'id');
      cell(row, r.merchantId, 'id');
      cell(row, money(r.amount, r.currency), 'num');
      cell(row, duration(r.ageSeconds));
      return row;
    });
    replaceRows($('pending-refunds').tBodies[0], rows);
    $('pending-total').textContent = String(pending.total);
  }

  async function refreshAll() {
    try {
      const status = await api('/console/api/status');
      streaming = status.streaming;
      setLive(source !== null && source.readyState === EventSource.OPEN);
    } catch (e) {
      return;
    }
    await Promise.allSettled([refreshCounts(), refreshDeadLetters(), refreshFailing(), refreshPending()]);
  }

  async function checkStatus() {
    try {
      const status = await api('/console/api/status');
      if ($('dashboard').hidden) showDashboard(status);
    } catch (e) {
      // showLogin ran on 401; anything else: try again on the next refresh
    }
  }

  async function login(event) {
    event.preventDefault();
    $('login-error').textContent = '';
    const response = await fetch('/console/login', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-Console-Request': '1' },
      body: JSON.stringify({ token: $('token').value })
    });
    $('token').value = '';
    if (response.status === 204) {
      checkStatus();
    } else if (response.status === 429) {
      $('login-error').textContent = 'Too many failed logins; wait a minute.';
    } else {
      $('login-error').textContent = 'That token is not valid.';
    }
  }

  async function logout() {
    await fetch('/console/logout', { method: 'POST', credentials: 'same-origin', headers: { 'X-Console-Request': '1' } });
    showLogin();
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('login-form').addEventListener('submit', login);
    $('logout').addEventListener('click', logout);
    checkStatus();
  });
})();
