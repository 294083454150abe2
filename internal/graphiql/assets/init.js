// Bootstrap for the embedded GraphiQL page (served by internal/graphiql).
// The page has no inline script: the configuration comes from the
// <script id="graphiql-config" type="application/json"> block.
(function () {
  'use strict';

  var cfg = JSON.parse(document.getElementById('graphiql-config').textContent);
  var tabs = cfg.tabs || [];

  // GraphiQL's dialogs inject a <style> element and tag it with this
  // global's value, which the page's Content-Security-Policy allows.
  window.__webpack_nonce__ = cfg.styleNonce;

  // Same rule GraphiQL uses to title a tab.
  function operationName(query) {
    var m = /^(?!#).*(query|subscription|mutation)\s+([a-zA-Z0-9_]+)/m.exec(query || '');
    return m ? m[2] : null;
  }

  function newId() {
    var a = new Uint8Array(16);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join('');
  }

  // GraphiQL keeps the user's tabs in localStorage and then ignores
  // defaultTabs. When the configured examples differ from those offered last
  // time, add the ones missing from the stored tabs, keeping the user's work.
  function offerExamples() {
    var seenKey = 'graphiql-examples:version';
    var stateKey = 'graphiql:tabState';
    try {
      var store = window.localStorage;
      if (store.getItem(seenKey) === cfg.examplesVersion) return;
      var raw = store.getItem(stateKey);
      var state = raw ? JSON.parse(raw) : null;
      if (state && Array.isArray(state.tabs)) {
        var have = {};
        state.tabs.forEach(function (t) { have[t.query] = true; });
        var added = 0;
        tabs.forEach(function (t) {
          if (have[t.query]) return;
          var op = operationName(t.query);
          state.tabs.push({
            id: newId(),
            title: op || '<untitled>',
            query: t.query,
            variables: t.variables || null,
            headers: null,
            operationName: op,
            response: null
          });
          added++;
        });
        if (added > 0) {
          state.activeTabIndex = state.tabs.length - added;
          store.setItem(stateKey, JSON.stringify(state));
        }
      }
      store.setItem(seenKey, cfg.examplesVersion);
    } catch (e) {
      // No usable storage: GraphiQL falls back to defaultTabs.
    }
  }

  function errorResult(message) {
    return { errors: [{ message: message }] };
  }

  function fetcher(params, opts) {
    var headers = {
      'Content-Type': 'application/json',
      'Accept': 'application/graphql-response+json, application/json'
    };
    if (opts && opts.headers) {
      Object.keys(opts.headers).forEach(function (k) { headers[k] = opts.headers[k]; });
    }
    return fetch(cfg.endpoint, {
      method: 'POST',
      headers: headers,
      body: JSON.stringify(params),
      credentials: 'same-origin'
    }).then(function (res) {
      return res.text().then(function (text) {
        try {
          return JSON.parse(text);
        } catch (e) {
          return errorResult('HTTP ' + res.status + ' ' + res.statusText +
            ' from ' + cfg.endpoint + ': the response is not JSON');
        }
      });
    }, function (err) {
      return errorResult('Request to ' + cfg.endpoint + ' failed: ' + err.message);
    });
  }

  offerExamples();

  // graphiql 4's UMD build exports a namespace; graphiql 3's the component.
  var GraphiQL = window.GraphiQL.GraphiQL || window.GraphiQL;
  var props = { fetcher: fetcher };
  if (tabs.length > 0) {
    props.defaultTabs = tabs.map(function (t) {
      return { query: t.query, variables: t.variables || null };
    });
    // Also what a new tab starts with.
    props.defaultQuery = tabs[0].query;
    if (tabs[0].variables) props.defaultEditorToolsVisibility = 'variables';
  }

  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, props));
})();
