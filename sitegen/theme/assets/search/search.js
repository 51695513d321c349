/*
 * sitegen's search page: the form, the results and the address. The engine (search-engine.js) loads and
 * queries the index; this script draws what it finds from DOM text nodes: archive text never goes through
 * innerHTML. Each piece of archive text sits in an element of its own with dir="auto" (bidi-isolated), so that
 * a right-to-left override in a title or a name cannot reverse the date or the words beside it.
 *
 * The page's URL holds the search (?q=…&topic=…&year=…&code=1 or code=working), so every search is a link.
 * A link's query is finished, as is one sent with Enter: its last word is a whole word (corrected when misspelt,
 * and the status line says so), not a prefix still being typed. Typing makes it a prefix again.
 *
 * The results are a plain list of links (no listbox: a result holds several links, and nothing interactive may sit
 * inside an option). The arrow keys move the focus from the box down the results' titles and back; Enter on a
 * title follows it, as on any link.
 */
(function () {
  "use strict";

  var PAGE_SIZE = 20;                      // results shown at once
  var SNIPPET_WORDS = 36;
  var SEPARATORS = /([^\p{L}\p{N}_]+)/u;

  var form = document.getElementById("sg-search-form");
  if (!form || !window.sitegenEngine) return;
  var stats = {};                          // performance.now() at loadStart, indexReady, firstResults
  /* For tests and the benchmark: timings, the word cut, and the engine (a promise). */
  window.sitegenSearch = { stats: stats, words: window.sitegenEngine.words, ready: function () { return ready(); } };
  var input = document.getElementById("sg-q");
  var topic = document.getElementById("sg-topic");
  var year = document.getElementById("sg-year");
  var code = document.getElementById("sg-code");
  var status = document.getElementById("sg-status");
  var results = document.getElementById("sg-results");
  var more = document.createElement("button");
  more.type = "button";
  more.className = "md-button sg-search__more";
  more.textContent = "Show more";
  more.hidden = true;
  results.parentNode.insertBefore(more, results.nextSibling);
  var feed = document.createElement("p");
  feed.className = "sg-search__feed";
  feed.id = "sg-feed";
  feed.hidden = true;
  status.parentNode.insertBefore(feed, status.nextSibling);

  var engine = null, generation = 0, shown = [], rendered = 0, urlTimer = 0;
  var finished = null;                     // the text of the finished query (a link's, or sent with Enter)

  /* A search in the page's address starts at once; otherwise the index waits for the page to have loaded. */
  var eager = new URLSearchParams(location.search).has("q");

  function whenPageLoaded(fn) {
    if (eager || document.readyState === "complete") fn();
    else window.addEventListener("load", fn, { once: true });
  }

  /* Load lunr.js and the index's manifest once (after the page has loaded, unless the address asks a search). */
  function ready() {
    if (!engine) {
      engine = new Promise(whenPageLoaded).then(function () {
        stats.loadStart = performance.now();
        return window.sitegenEngine.open();
      }).then(function (built) {
        stats.indexReady = performance.now();
        return built;
      });
      engine.catch(function () { engine = null; });
    }
    return engine;
  }

  function filters() {
    return { topic: topic.value, year: year.value, code: code.value };
  }

  /* Show a status line; `data-search` on the results then names the search they answer (for tests). */
  function finish(text, chosen, message) {
    status.textContent = message;
    results.setAttribute("data-search", JSON.stringify([text, chosen.topic, chosen.year, chosen.code]));
  }

  /* Search for the box's text as finished: the link's query, or Enter. */
  function runFinished() {
    finished = input.value;
    run();
  }

  function run() {
    var text = input.value, chosen = filters(), done = text === finished;
    var filtering = Boolean(chosen.topic || chosen.year || chosen.code);
    var mine = ++generation;
    scheduleUrl(text, chosen);
    if (!text.trim() && !filtering) {
      show([], mine, null);
      showFeed(null, text, chosen);
      finish(text, chosen, "Type to search; results show as you type.");
      return;
    }
    if (!stats.indexReady) status.textContent = "Loading the search index…";
    ready().then(function (built) {
      if (mine !== generation) return null;
      if (!filtering && !built.hasWords(text, done)) {
        show([], mine, built);
        showFeed(built, text, chosen);
        finish(text, chosen, "Type a word to search.");
        return null;
      }
      return built.search(text, chosen, done).then(function (found) {
        if (mine !== generation) return null;
        return show(found.hits, mine, built).then(function () {
          if (mine !== generation) return;
          var n = shown.length, line = n ? n + (n === 1 ? " paper" : " papers") : "No papers match.";
          if (!n && found.typeMore) line = "Type more of the word to search.";
          if (found.corrected) line += (n ? ", showing results for " : " Searched for ") + "\u201c" + found.corrected + "\u201d.";
          else if (found.also) line += ", including results for \u201c" + found.also + "\u201d.";
          showFeed(built, text, chosen);
          finish(text, chosen, line);
          if (stats.firstResults === undefined && n) stats.firstResults = performance.now();
        });
      });
    }).catch(function (error) {
      if (mine === generation) {
        finish(text, chosen,
               "The search index could not be loaded (" + error.message + "); reload the page to try again.");
      }
    });
  }

  /* Draw the first page of hits (once their result data has loaded); a promise. */
  function show(hits, mine, built) {
    shown = hits;
    rendered = 0;
    if (results.contains(document.activeElement)) input.focus();
    results.textContent = "";
    more.hidden = true;
    return built ? showMore(built, mine) : Promise.resolve();
  }

  /* Draw the next page of hits: a place for each, in order, filled as its result data arrives. */
  function showMore(built, mine) {
    var start = rendered, page = shown.slice(start, start + PAGE_SIZE);
    rendered = start + page.length;
    return Promise.all(page.map(function (hit, i) {
      var li = element("li", "sg-result--pending");
      li.hidden = true;
      results.appendChild(li);
      return built.docs([hit.ref]).then(function (docs) {
        return mine === generation ? fill(li, built, docs[0], hit, start + i, mine) : null;
      });
    })).then(function (snippets) {
      if (mine !== generation) return;
      more.hidden = rendered >= shown.length;
      snippets.forEach(function (load) { if (load) load(); });
    });
  }

  /* When the search is one of the site's saved searches, link its feeds. */
  function showFeed(built, text, chosen) {
    feed.textContent = "";
    feed.hidden = true;
    var saved = built && built.feeds.filter(function (f) {
      return f.words.join(" ") === window.sitegenEngine.words(text).join(" ") && f.topic === chosen.topic &&
        f.year === chosen.year && f.code === chosen.code;
    })[0];
    if (!saved) return;
    var name = element("bdi");
    name.textContent = saved.title;
    feed.appendChild(document.createTextNode("This search is a feed ("));
    feed.appendChild(name);
    feed.appendChild(document.createTextNode("): "));
    [["Atom", saved.atom], ["JSON Feed", saved.json]].forEach(function (entry, i) {
      var link = element("a");
      link.href = entry[1];
      link.textContent = entry[0];
      if (i) feed.appendChild(document.createTextNode(" · "));
      feed.appendChild(link);
    });
    feed.hidden = false;
  }

  function element(tag, className) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    return node;
  }

  /* An element for archive text: isolated, its direction its own (see the top of this file). */
  function isolated(tag, className) {
    var node = element(tag, className);
    node.dir = "auto";
    return node;
  }

  /* Append text to parent, with the words that matched in <mark>. */
  function appendMarked(parent, parts, from, to, terms, built) {
    for (var i = from; i < to; i++) {
      if (i % 2 === 0 && parts[i] && built.matches(parts[i], terms)) {
        var mark = element("mark");
        mark.textContent = parts[i];
        parent.appendChild(mark);
      } else if (parts[i]) {
        parent.appendChild(document.createTextNode(parts[i]));
      }
    }
  }

  function fill(li, built, doc, hit, n, mine) {
    li.className = "sg-result";
    li.hidden = false;
    li.id = "sg-result-" + n;
    var title = isolated("a", "sg-result__title");
    title.href = "papers/" + encodeURIComponent(doc.slug) + ".html";
    var parts = doc.title.split(SEPARATORS);
    appendMarked(title, parts, 0, parts.length, hit.terms, built);
    var meta = element("div", "sg-result__meta");
    if (doc.authors) {
      var byline = isolated("span", "sg-result__authors");
      var names = doc.authors.split(SEPARATORS);
      appendMarked(byline, names, 0, names.length, hit.terms, built);
      meta.appendChild(byline);
      meta.appendChild(document.createTextNode(" · "));
    }
    meta.appendChild(document.createTextNode(doc.date));
    doc.topics.forEach(function (number) {
      var tag = isolated("a", "sg-result__tag");
      tag.href = "topics/" + encodeURIComponent(built.topics[number][0]) + ".html";
      tag.textContent = built.topics[number][1];
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(tag);
    });
    if (doc.code) meta.appendChild(document.createTextNode(" · code"));
    var snippet = element("p", "sg-result__snippet");
    li.appendChild(title);
    if (doc.withdrawn) {
      var badge = element("span", "sg-result__withdrawn");
      badge.textContent = "withdrawn";
      badge.title = "A source says this paper was withdrawn";
      li.appendChild(document.createTextNode(" "));
      li.appendChild(badge);
    }
    li.appendChild(meta);
    li.appendChild(snippet);
    // The snippet once every result of the page is drawn: their result data loads first.
    return function () {
      return built.abstract(hit.ref).then(function (text) {
        if (mine === generation) fillSnippet(snippet, text, hit.terms, built);
        snippet.setAttribute("data-loaded", "");   // (an abstract may be empty)
      }, function () { /* the result stays without its snippet */ });
    };
  }

  /* Show the stretch of the abstract with the most matched words (or its start). */
  function fillSnippet(snippet, text, terms, built) {
    var parts = text.split(SEPARATORS), span = 2 * SNIPPET_WORDS, start = 0, best = 0, hits = [];
    for (var i = 0; i < parts.length; i += 2) if (built.matches(parts[i], terms)) hits.push(i);
    hits.forEach(function (hit) {
      var from = Math.max(0, hit - 12);
      var count = hits.filter(function (h) { return h >= from && h < from + span; }).length;
      if (count > best) { best = count; start = from; }
    });
    var end = Math.min(parts.length, start + span - 1);   // end on a word, not on a separator
    if (end === parts.length - 1) end = parts.length;
    snippet.textContent = "";
    if (start > 0) snippet.appendChild(document.createTextNode("… "));
    appendMarked(snippet, parts, start, end, terms, built);
    if (end < parts.length) snippet.appendChild(document.createTextNode(" …"));
  }

  /* The results' title links, in order. */
  function titles() {
    return Array.prototype.slice.call(results.querySelectorAll("li.sg-result > .sg-result__title"));
  }

  /* Focus result n's title (-1 or past the last: the search box). */
  function focusResult(n) {
    var links = titles();
    if (n >= 0 && n < links.length) links[n].focus();
    else input.focus();
  }

  function scheduleUrl(text, chosen) {
    clearTimeout(urlTimer);
    urlTimer = setTimeout(function () {
      var params = new URLSearchParams();
      if (text) params.set("q", text);
      if (chosen.topic) params.set("topic", chosen.topic);
      if (chosen.year) params.set("year", chosen.year);
      if (chosen.code) params.set("code", chosen.code);
      var query = params.toString(), url = location.pathname + (query ? "?" + query : "") + location.hash;
      if (url === location.pathname + location.search + location.hash) return;
      try {
        history.replaceState(history.state, "", url);
      } catch (error) {
        /* Some browsers refuse to change file:// URLs; the search still works. */
      }
    }, 300);
  }

  function setSelect(select, value) {
    if (value && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
      select.value = value;
    }
  }

  input.addEventListener("input", run);
  input.addEventListener("focus", function () { if (!stats.indexReady) ready().catch(function () {}); });
  input.addEventListener("keydown", function (event) {
    var count = titles().length;
    if ((event.key === "ArrowDown" || event.key === "ArrowUp") && count) {
      event.preventDefault();
      focusResult(event.key === "ArrowDown" ? 0 : count - 1);
    } else if (event.key === "Enter") {
      event.preventDefault();
      runFinished();
    }
  });
  /* On a result's title: the arrows go to the next or previous title (up from the first: the box), Escape back to
     the box. */
  results.addEventListener("keydown", function (event) {
    var at = titles().indexOf(event.target);
    if (at < 0) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      var next = at + (event.key === "ArrowDown" ? 1 : -1);
      focusResult(next >= titles().length ? 0 : next);
    } else if (event.key === "Escape") {
      focusResult(-1);
    }
  });
  [topic, year, code].forEach(function (control) { control.addEventListener("change", run); });
  form.addEventListener("submit", function (event) { event.preventDefault(); runFinished(); });
  more.addEventListener("click", function () {
    ready().then(function (built) { return showMore(built, generation); }).catch(function () {});
  });

  /* On this page the header's box searches in place. */
  var header = document.querySelector("form.sg-header-search");
  if (header) {
    header.addEventListener("submit", function (event) {
      event.preventDefault();
      var box = header.querySelector("input[name=q]");
      if (box.value) input.value = box.value;
      input.focus();
      runFinished();
    });
  }

  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  setSelect(topic, params.get("topic"));
  setSelect(year, params.get("year"));
  setSelect(code, params.get("code"));
  if (input.value || params.has("topic") || params.has("year") || params.has("code")) runFinished();
})();
