// The dashboard: every figure comes from the public GraphQL API, with the
// queries shown under each chart, so a frontend developer can copy them.
// Nothing here knows a figure: which charts exist follows from what the
// dataset holds (an indicator's dimensions and periods).
'use strict';
(() => {
  const endpoint = '/graphql';

  // The indicators the report charts, the years its charts span and the
  // breakdowns it charts: a year or a breakdown the dataset lacks is named
  // on the chart, never filled in.
  const INDICATORS = [
    { code: 'victims_identified', charted: [2005, 2024], splits: { COUNTRY_OF_EXPLOITATION: 'country of exploitation', AGE: 'age', SEX: 'sex' } },
    { code: 'traffickers_prosecuted', charted: [2005, 2024], splits: { SEX: 'sex' } },
  ];

  const LANGUAGES = { az: 'Azerbaijani', en: 'English', ru: 'Russian' };

  const FIGURE = `fragment Figure on Observation {
  value
  qualifier
  status
  period { label }
  agency { code name }
  source { section quote }
}`;

  const SERIES = `query Series($code: String!, $periodLength: Int) {
  indicator(code: $code) {
    code
    name
    unit { code name }
    dimensions { code name }
    series(periodLength: $periodLength) { ...Figure }
  }
}
${FIGURE}`;

  const BREAKDOWN = `query Breakdown($code: String!, $by: String!, $period: String) {
  indicator(code: $code) {
    code
    name
    unit { code name }
    breakdown(by: $by, period: $period) {
      period { label }
      by { code name }
      total { ...Figure }
      members {
        member { code name }
        value
        share
        observations { ...Figure }
      }
      unallocated
      consistent
    }
  }
}
${FIGURE}`;

  const QUALIFIER = { EXACT: '', MORE_THAN: 'more than ', AT_LEAST: 'at least ', APPROXIMATELY: 'approximately ' };

  const main = document.getElementById('charts');
  const status = document.getElementById('status');
  const css = getComputedStyle(document.documentElement);
  const colour = (n) => css.getPropertyValue(`--series-${n}`).trim();
  let lang = 'en';
  let generation = 0; // a language switch abandons the rendering still under way
  const charts = [];

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== undefined && v !== null) e.setAttribute(k, v);
    }
    for (const c of children) {
      if (c !== null && c !== undefined) e.append(c);
    }
    return e;
  }

  async function graphql(query, variables) {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Accept': 'application/graphql-response+json, application/json',
        'Accept-Language': lang,
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = await res.json();
    if (body.errors && body.errors.length) {
      const e = body.errors[0];
      throw new Error(`${e.message} (${(e.extensions && e.extensions.code) || res.status})`);
    }
    return body;
  }

  // A value is null where small-cell protection suppresses it (the API's
  // `suppression` says why).
  const number = (v) => (v === null ? 'suppressed' : new Intl.NumberFormat(lang).format(v));
  const figure = (o) => QUALIFIER[o.qualifier] + number(o.value);

  // label is a dataset label in the page, marked with the reference the API
  // uses for it in extensions.language.fellBack, so that fallBack can give
  // it the language it was served in (WCAG 3.1.2, language of parts).
  const label = (text, ref) => el('span', { 'data-label': ref }, text);
  const unitLabel = (u) => label(u.name, `unit:${u.code}.name`);
  const indicatorLabel = (ind) => label(ind.name, `indicator:${ind.code}.name`);
  // agencies are the agencies of the figures, each named once.
  function agencies(obs) {
    const seen = new Map(obs.map((o) => [o.agency.code, o.agency.name]));
    return [...seen].flatMap(([code, name], i) => [i ? '; ' : '', label(name, `agency:${code}.name`)]);
  }

  // quote is the disclosure of the report's sentence behind one figure.
  function quote(obs, id) {
    if (!obs.length) return '';
    return el('details', { id }, el('summary', {}, 'Quote'),
      ...obs.map((o) => el('div', {}, el('blockquote', {}, o.source.quote),
        el('p', {}, `Section: ${o.source.section}` + (o.status === 'DERIVED' ? ' (derived from a later figure\'s stated change)' : '')))));
  }

  // fallBack lists the labels the API served in English for this language.
  // The page's own text is English; a dataset label carries the language
  // it was served in, English where it fell back.
  function fallBack(section, fellBack) {
    for (const e of section.querySelectorAll('[data-label]')) {
      e.setAttribute('lang', fellBack.includes(e.dataset.label) ? 'en' : lang);
    }
    if (lang === 'en' || !fellBack.length) return;
    section.append(el('p', { class: 'fallback' },
      `Shown in English (no ${LANGUAGES[lang]} label in the data file yet): `,
      el('span', { class: 'fellback', lang: 'en' }, fellBack.join(', '))));
  }

  function queryBlock(query, variables) {
    const pre = el('pre', { class: 'query' }, query);
    const vars = el('pre', { class: 'variables' }, JSON.stringify(variables, null, 2));
    const button = el('button', { type: 'button', class: 'copy' }, 'Copy query');
    const done = el('span', { role: 'status' });
    button.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(query);
        done.textContent = ' Copied.';
      } catch {
        // Without clipboard permission, select the text for Ctrl+C.
        getSelection().selectAllChildren(pre);
        done.textContent = ' Selected: press Ctrl+C to copy.';
      }
    });
    return el('details', { class: 'query' }, el('summary', {}, 'GraphQL query'),
      pre, el('p', {}, 'Variables (POST to /graphql with Accept-Language: ' + lang + '):'), vars,
      el('p', { class: 'actions' }, button, done));
  }

  // section builds one chart's frame: title, unit, period, source agency.
  // The title names the period too, so that no two charts' regions share a
  // name.
  function section(id, title, meta) {
    const s = el('section', { class: 'chart', id, 'aria-labelledby': id + '-title' },
      el('h2', { id: id + '-title' }, ...title),
      el('p', { class: 'meta' }, ...meta));
    main.append(s);
    return s;
  }

  // table is the data behind a chart: one row a bar, with its quote.
  function table(id, caption, head, rows, foot) {
    const t = el('table', {}, el('caption', {}, ...caption),
      el('thead', {}, el('tr', {}, ...head.map((h, i) => el('th', { scope: 'col', class: i === 1 || i === 2 ? 'num' : null }, h)))));
    const body = el('tbody');
    rows.forEach((r, i) => body.append(el('tr', { 'data-value': String(r.value) },
      el('th', { scope: 'row', 'data-label': r.label }, r.name),
      el('td', { class: 'num' }, r.text),
      el('td', { class: 'num' }, r.share === null || r.share === undefined ? '' : new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(r.share)),
      el('td', {}, quote(r.obs, `${id}-q${i}`)))));
    t.append(body);
    if (foot) {
      t.append(el('tfoot', {}, el('tr', { 'data-total': String(foot.value) },
        el('th', { scope: 'row' }, 'Total'), el('td', { class: 'num' }, foot.text), el('td'), el('td', {}, quote(foot.obs, `${id}-qt`)))));
    }
    return t;
  }

  // chart draws the rows as bars. The canvas takes focus: arrow keys move
  // between bars (with their tooltip), Enter opens the bar's quote.
  function chart(s, id, rows, unit, horizontal) {
    const canvas = el('canvas', {
      tabindex: '0', role: 'img',
      'aria-label': `Bar chart, ${unit}: ` + rows.map((r) => `${r.name} ${r.text}`).join('; ') + '. Arrow keys move between bars; Enter opens the quote.',
    });
    s.append(el('div', { class: 'canvas' }, canvas));
    const c = new Chart(canvas, {
      type: 'bar',
      data: {
        labels: rows.map((r) => r.name),
        datasets: [{ label: unit, data: rows.map((r) => r.value), backgroundColor: rows.map((r) => r.unallocated ? colour(2) : colour(1)) }],
      },
      options: {
        indexAxis: horizontal ? 'y' : 'x',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { [horizontal ? 'x' : 'y']: { beginAtZero: true, title: { display: true, text: unit } } },
        onClick: (_, active) => { if (active.length) openQuote(id, active[0].index); },
      },
    });
    charts.push(c);
    let at = -1;
    canvas.addEventListener('keydown', (e) => {
      const n = rows.length;
      if (e.key === 'ArrowRight' || e.key === 'ArrowDown') at = (at + 1) % n;
      else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') at = (at - 1 + n) % n;
      else if (e.key === 'Enter' && at >= 0) { openQuote(id, at); return; }
      else return;
      e.preventDefault();
      const active = [{ datasetIndex: 0, index: at }];
      c.setActiveElements(active);
      c.tooltip.setActiveElements(active);
      c.update();
    });
  }

  function openQuote(id, i) {
    const d = document.getElementById(`${id}-q${i}`);
    if (!d) return;
    d.open = true;
    d.querySelector('summary').focus();
  }

  function notice(s, text) {
    s.append(el('p', { class: 'notice', role: 'note' }, text));
  }

  // missingYears names the years of the report's chart the series lacks.
  function missingYears(series, [from, to]) {
    const have = new Set(series.map((o) => o.period.label));
    const missing = [];
    for (let y = from; y <= to; y++) if (!have.has(String(y))) missing.push(y);
    if (!missing.length) return '';
    const runs = [];
    for (const y of missing) {
      const last = runs[runs.length - 1];
      if (last && last[1] === y - 1) last[1] = y; else runs.push([y, y]);
    }
    return runs.map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`)).join(', ');
  }

  function withQuery(s, id, body, query, variables) {
    fallBack(s, body.extensions && body.extensions.language ? body.extensions.language.fellBack : []);
    s.append(queryBlock(query, variables));
    s.dataset.query = id;
  }

  async function yearly(spec) {
    const variables = { code: spec.code, periodLength: 1 };
    const body = await graphql(SERIES, variables);
    const ind = body.data.indicator;
    const obs = ind.series;
    const id = `${spec.code}-yearly`;
    const periods = obs.length ? `${obs[0].period.label}–${obs[obs.length - 1].period.label}` : 'none';
    const s = section(id, [indicatorLabel(ind), ', by year'],
      ['Unit: ', unitLabel(ind.unit), ` · Period: yearly, ${periods} · Source: `, ...agencies(obs)]);
    const missing = missingYears(obs, spec.charted);
    if (missing) {
      notice(s, `The report charts ${spec.charted[0]}–${spec.charted[1]}; the dataset has no yearly figure for ${missing} (the report's text does not state them), so those years are not drawn.`);
    }
    const absent = Object.entries(spec.splits).filter(([code]) => !ind.dimensions.some((d) => d.code === code)).map(([, what]) => what);
    if (absent.length) {
      notice(s, `The report also charts these figures by ${absent.join(', ')}; the dataset holds no such breakdown (the report's text does not state it), so none is drawn.`);
    }
    const rows = obs.map((o) => ({ name: o.period.label, value: o.value, text: figure(o), obs: [o] }));
    if (rows.length) chart(s, id, rows, ind.unit.name, false);
    s.append(table(id, ['Data: ', indicatorLabel(ind), ', by year'], ['Year', unitLabel(ind.unit), 'Share', 'Source'], rows));
    withQuery(s, id, body, SERIES, variables);
    return ind;
  }

  async function cumulative(spec, years) {
    const variables = { code: spec.code, periodLength: years };
    const body = await graphql(SERIES, variables);
    const ind = body.data.indicator;
    const obs = ind.series;
    if (!obs.length) return null;
    const id = `${spec.code}-cumulative`;
    const o = obs[obs.length - 1];
    const s = section(id, [indicatorLabel(ind), `, ${o.period.label} cumulative`],
      ['Unit: ', unitLabel(ind.unit), ` · Period: ${o.period.label}, cumulative (all ${years} years together, not a yearly figure) · Source: `, ...agencies([o])]);
    s.append(el('p', { class: 'headline' }, figure(o)));
    const rows = [{ name: `${o.period.label} (cumulative)`, value: o.value, text: figure(o), obs: [o] }];
    s.append(table(id, ['Data: ', indicatorLabel(ind), ', cumulative'], ['Period', unitLabel(ind.unit), 'Share', 'Source'], rows));
    withQuery(s, id, body, SERIES, variables);
    return o.period.label;
  }

  async function breakdown(spec, dim, period, seen) {
    const variables = { code: spec.code, by: dim.code, period };
    const body = await graphql(BREAKDOWN, variables);
    const ind = body.data.indicator;
    const b = ind.breakdown;
    if (!b || seen.has(`${dim.code}/${b.period.label}`)) return;
    seen.add(`${dim.code}/${b.period.label}`);
    const id = `${spec.code}-${dim.code}-${b.period.label}`;
    const obs = b.members.flatMap((m) => m.observations).concat(b.total ? [b.total] : []);
    const byLabel = () => label(b.by.name, `dimension:${b.by.code}.name`);
    const s = section(id, [indicatorLabel(ind), ' — ', byLabel(), `, ${b.period.label}`],
      ['Unit: ', unitLabel(ind.unit), ` · Period: ${b.period.label} · Source: `, ...agencies(obs)]);
    const rows = b.members.map((m) => ({
      name: m.member.name, label: `member:${dim.code}=${m.member.code}.name`,
      value: m.value, text: number(m.value), share: m.share, obs: m.observations,
    }));
    if (b.unallocated) {
      rows.push({ name: 'Unallocated (total minus the members)', value: b.unallocated, text: number(b.unallocated), share: null, obs: [], unallocated: true });
      notice(s, `The members add up to ${number(b.total.value - b.unallocated)} of the total ${figure(b.total)}: ${number(b.unallocated)} not allocated to any member, as reported.`);
    } else if (!b.total) {
      notice(s, 'The report states no total for this breakdown: shares are not computed.');
    }
    chart(s, id, rows, ind.unit.name, rows.length > 5);
    s.append(table(id, ['Data: ', indicatorLabel(ind), ' by ', byLabel(), `, ${b.period.label}`], [byLabel(), unitLabel(ind.unit), 'Share', 'Source'], rows,
      b.total ? { value: b.total.value, text: figure(b.total), obs: [b.total] } : null));
    withQuery(s, id, body, BREAKDOWN, variables);
  }

  async function render() {
    const mine = ++generation;
    charts.splice(0).forEach((c) => c.destroy());
    main.replaceChildren();
    status.textContent = 'Loading…';
    try {
      for (const spec of INDICATORS) {
        const ind = await yearly(spec);
        if (mine !== generation) return;
        const cumulativePeriod = await cumulative(spec, spec.charted[1] - spec.charted[0] + 1);
        const seen = new Set();
        for (const dim of ind.dimensions) {
          if (mine !== generation) return;
          await breakdown(spec, dim, null, seen);
          if (cumulativePeriod) await breakdown(spec, dim, cumulativePeriod, seen);
        }
      }
      if (mine === generation) {
        status.textContent = `${main.children.length} charts, labels in ${LANGUAGES[lang]}.`;
        document.body.dataset.ready = lang;
      }
    } catch (e) {
      if (mine === generation) status.textContent = `Could not load the figures: ${e.message}`;
    }
  }

  // The page's own words are not translated (no person has written them in
  // az or ru, and a machine translation would pass for an official one):
  // in another language the page says so above the charts.
  const untranslated = document.getElementById('untranslated');

  function choose(l) {
    lang = LANGUAGES[l] ? l : 'en';
    document.body.dataset.ready = '';
    untranslated.hidden = lang === 'en';
    for (const e of untranslated.querySelectorAll('.language-name')) e.textContent = LANGUAGES[lang];
    for (const r of document.querySelectorAll('input[name=lang]')) r.checked = r.value === lang;
    render();
  }

  // The print stylesheet gives the charts another size; Chart.js sizes a
  // canvas only on window resizes, which printing does not fire.
  for (const ev of ['beforeprint', 'afterprint']) {
    addEventListener(ev, () => charts.forEach((c) => c.resize()));
  }

  document.getElementById('language').addEventListener('change', (e) => {
    const url = new URL(location.href);
    url.searchParams.set('lang', e.target.value);
    history.replaceState(null, '', url);
    choose(e.target.value);
  });
  choose(new URLSearchParams(location.search).get('lang') || 'en');
})();
