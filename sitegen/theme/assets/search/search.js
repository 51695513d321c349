/*
 * sitegen's search page. The lunr index was built once, at build time, by lunr.py (sitegen/search/); this
 * script loads it on first use as <script> files, because fetch() fails on file://, and queries it with
 * lunr.js 2.3.9. Results are built from DOM text nodes: archive text never goes through innerHTML.
 *
 * The page's URL holds the search (?q=…&topic=…&year=…&code=1), so every search is a link.
 */
(function () {
  "use strict";

  var FORMAT = 1;                          // sitegen/search/lunr_index.py FORMAT
  var PAGE_SIZE = 20;                      // results shown at once
  var SNIPPET_WORDS = 36;
  var NOT_WORD = /[^\p{L}\p{N}_]+/gu;      // Python's \W: the cut of sitegen/search/text.py index_text()
  var SEPARATORS = /([^\p{L}\p{N}_]+)/u;
  var ENDS_IN_WORD = /[\p{L}\p{N}_]$/u;

  var base = document.currentScript.src.replace(/[^\/]*$/, "");
  var received = Object.create(null);
  var loading = Object.create(null);
  var stats = {};                          // performance.now() at loadStart, indexReady, firstResults

  /* Every data file calls this with its name and value. */
  window.sitegenSearchData = function (name, value) {
    received[name] = value;
  };

  function load(name) {
    if (!loading[name]) {
      loading[name] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = base + name + ".js";
        script.async = true;
        script.onload = function () { resolve(received[name]); };
        script.onerror = function () {
          delete loading[name];
          reject(new Error("cannot load " + script.src));
        };
        document.head.appendChild(script);
      });
    }
    return loading[name];
  }

  /* Cut text into the index's words: NFC, lower case, letters/digits/_ only. */
  function words(text) {
    var cut = text.normalize("NFC").toLowerCase().replace(NOT_WORD, " ").trim();
    return cut ? cut.split(" ") : [];
  }

  function isStopWord(word) {
    return !lunr.stopWordFilter(new lunr.Token(word));
  }

  /* Turn the compact index (lunr_index.encode) back into lunr's serialised form. The postings (term ->
     documents) are the vectors transposed; building all of them as objects up front costs most of the
     load time at 10k papers, so each term's posting is made when a query first reads it. */
  var NO_METADATA = Object.freeze({});

  function decode(data) {
    var fields = data.fields, terms = data.terms, vectors = [], docsOf = [];
    var t, f;
    for (f = 0; f < fields.length; f++) {
      var field = fields[f], perDoc = data.vectors[f], lists = new Array(terms.length);
      for (var ref = 0; ref < perDoc.length; ref++) {
        var flat = perDoc[ref], elements = new Array(flat.length);
        t = 0;
        for (var i = 0; i < flat.length; i += 2) {
          t += flat[i];
          elements[i] = t;
          elements[i + 1] = flat[i + 1] / data.scale;
          (lists[t] || (lists[t] = [])).push(ref);
        }
        vectors.push([field + "/" + ref, elements]);
      }
      docsOf.push(lists);
    }
    function lazyField(posting, field, refs) {
      Object.defineProperty(posting, field, {
        enumerable: true, configurable: true,
        get: function () {
          var documents = {};
          if (refs) for (var k = 0; k < refs.length; k++) documents[refs[k]] = NO_METADATA;
          Object.defineProperty(posting, field, { value: documents, enumerable: true });
          return documents;
        }
      });
    }
    var invertedIndex = new Array(terms.length);
    for (t = 0; t < terms.length; t++) {
      var posting = { _index: t };
      for (f = 0; f < fields.length; f++) lazyField(posting, fields[f], docsOf[f][t]);
      invertedIndex[t] = [terms[t], posting];
    }
    return {
      version: data.version, fields: fields, pipeline: data.pipeline, fieldVectors: vectors,
      invertedIndex: invertedIndex
    };
  }

  function Engine(indexData, docsData) {
    if (!indexData || indexData.format !== FORMAT) throw new Error("unknown search index format");
    this.index = lunr.Index.load(decode(indexData));
    this.terms = indexData.terms;          // sorted in UTF-16 order, as JavaScript compares
    this.shard = docsData.shard;
    this.topics = docsData.topics;
    this.topicNumber = new Map(docsData.topics.map(function (topic, n) { return [topic[0], n]; }));
    this.docs = docsData.docs.map(function (row, ref) {
      var doc = { ref: ref };
      docsData.fields.forEach(function (name, k) { doc[name] = row[k]; });
      return doc;
    });
    this.stemCache = new Map();
  }

  /* The index terms a word stands for. lunr.py's Porter stemmer, which built the index, ends a stem in "i"
     where lunr.js's keeps "y" ("deploy": "deploi", "deploy"), and keeps "y" where lunr.js's turns a y after a
     vowel-less stem into "i" ("fly": "fly", "fli"); over 250,000 words there is no other difference. So a word
     stands for its lunr.js stem with either ending. */
  Engine.prototype.stems = function (word) {
    var stems = this.stemCache.get(word);
    if (stems === undefined) {
      var stem = this.index.pipeline.runString(word).join(" "), last = stem.slice(-1);
      stems = [stem];
      if (word.length > 2 && (last === "y" || last === "i")) stems.push(stem.slice(0, -1) + (last === "y" ? "i" : "y"));
      this.stemCache.set(word, stems);
    }
    return stems;
  };

  /* Whether some index term starts with prefix (binary search). */
  Engine.prototype.hasPrefix = function (prefix) {
    var lo = 0, hi = this.terms.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (this.terms[mid] < prefix) lo = mid + 1; else hi = mid;
    }
    return lo < this.terms.length && this.terms[lo].lastIndexOf(prefix, 0) === 0;
  };

  /* The prefix to complete for the word being typed: the word, or a little less of it ("pruni" -> "prun"),
     since the index holds stems, which are not always prefixes of the longer forms. */
  Engine.prototype.prefixFor = function (word) {
    var least = Math.max(2, Math.ceil(word.length * 0.6));
    for (var n = word.length; n >= least; n--) {
      if (this.hasPrefix(word.slice(0, n))) return word.slice(0, n);
    }
    return null;
  };

  /* Return hits ({ref, terms}) that match every word of text, best first; null when text has no word.
     The query is built with lunr's API, never parsed, so `foo:`, `~` or `^` typed by accident are just text. */
  Engine.prototype.search = function (text) {
    var self = this, list = words(text), typing = ENDS_IN_WORD.test(text);
    var clauses = [], wanted = [];
    list.forEach(function (word, i) {
      var stop = isStopWord(word);
      var prefix = typing && i === list.length - 1 ? self.prefixFor(word) : null;
      if (!stop) {
        var stems = self.stems(word);
        stems.forEach(function (stem) { clauses.push({ term: stem, usePipeline: false }); });
        wanted.push({ stems: stems, prefix: prefix });
      }
      if (prefix) {
        clauses.push({ term: prefix, usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING, boost: 0.3 });
      }
    });
    if (!clauses.length) return null;
    var found = this.index.query(function (query) {
      clauses.forEach(function (clause) { query.term(clause.term, clause); });
    });
    return found.map(function (result) {
      return { ref: Number(result.ref), score: result.score, terms: new Set(Object.keys(result.matchData.metadata)) };
    }).filter(function (hit) {
      return wanted.every(function (want) {
        if (want.stems.some(function (stem) { return hit.terms.has(stem); })) return true;
        if (want.prefix === null) return false;
        for (var term of hit.terms) if (term.lastIndexOf(want.prefix, 0) === 0) return true;
        return false;
      });
    }).sort(function (a, b) { return b.score - a.score || a.ref - b.ref; });
  };

  Engine.prototype.passes = function (doc, filters) {
    if (filters.topic && doc.topics.indexOf(this.topicNumber.get(filters.topic)) < 0) return false;
    if (filters.year && String(doc.year) !== filters.year) return false;
    return !(filters.code && !doc.code);
  };

  /* The abstract of a document, from its text file. */
  Engine.prototype.abstract = function (ref) {
    var shard = Math.floor(ref / this.shard), offset = ref % this.shard;
    return load("text/" + shard).then(function (texts) { return texts[offset] || ""; });
  };

  Engine.prototype.matches = function (word, terms) {
    var list = words(word), self = this;
    return terms.size > 0 && list.some(function (w) {
      return !isStopWord(w) && self.stems(w).some(function (stem) { return terms.has(stem); });
    });
  };

  /* The page. */

  var form = document.getElementById("sg-search-form");
  if (!form) return;
  /* For tests and the benchmark: timings, the word cut, and the engine (a promise). */
  window.sitegenSearch = { stats: stats, words: words, ready: function () { return ready(); } };
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

  var engine = null, generation = 0, shown = [], rendered = 0, active = -1, urlTimer = 0;

  function whenPageLoaded(fn) {
    if (document.readyState === "complete") fn();
    else window.addEventListener("load", fn, { once: true });
  }

  /* Load lunr.js, the index and the result data once, after the page has loaded. */
  function ready() {
    if (!engine) {
      engine = new Promise(whenPageLoaded).then(function () {
        stats.loadStart = performance.now();
        return Promise.all([load("lunr"), load("index"), load("docs")]);
      }).then(function (data) {
        var built = new Engine(data[1], data[2]);
        stats.indexReady = performance.now();
        return built;
      });
      engine.catch(function () { engine = null; });
    }
    return engine;
  }

  function filters() {
    return { topic: topic.value, year: year.value, code: code.checked };
  }

  /* Show a status line; `data-search` on the results then names the search they answer (for tests). */
  function finish(text, chosen, message) {
    status.textContent = message;
    results.setAttribute("data-search", JSON.stringify([text, chosen.topic, chosen.year, chosen.code]));
  }

  function run() {
    var text = input.value, chosen = filters();
    var filtering = Boolean(chosen.topic || chosen.year || chosen.code);
    var mine = ++generation;
    scheduleUrl(text, chosen);
    if (!text.trim() && !filtering) {
      show([], mine, null);
      finish(text, chosen, "Type to search; results show as you type.");
      return;
    }
    if (!stats.indexReady) status.textContent = "Loading the search index…";
    ready().then(function (built) {
      if (mine !== generation) return;
      var hits = built.search(text);
      if (hits === null) {
        if (!filtering) {
          show([], mine, built);
          finish(text, chosen, "Type a word to search.");
          return;
        }
        hits = built.docs.map(function (doc) { return { ref: doc.ref, terms: new Set() }; });
      }
      show(hits.filter(function (hit) { return built.passes(built.docs[hit.ref], chosen); }), mine, built);
      var n = shown.length;
      finish(text, chosen, n ? n + (n === 1 ? " paper" : " papers") : "No papers match.");
      if (stats.firstResults === undefined) stats.firstResults = performance.now();
    }, function (error) {
      if (mine === generation) {
        finish(text, chosen,
               "The search index could not be loaded (" + error.message + "); reload the page to try again.");
      }
    });
  }

  function show(hits, mine, built) {
    shown = hits;
    rendered = 0;
    select(-1);
    results.textContent = "";
    input.setAttribute("aria-expanded", hits.length ? "true" : "false");
    if (built) showMore(built, mine);
    more.hidden = rendered >= shown.length;
  }

  function showMore(built, mine) {
    var end = Math.min(shown.length, rendered + PAGE_SIZE);
    for (; rendered < end; rendered++) results.appendChild(item(built, shown[rendered], rendered, mine));
    more.hidden = rendered >= shown.length;
  }

  function element(tag, className) {
    var node = document.createElement(tag);
    if (className) node.className = className;
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

  function item(built, hit, n, mine) {
    var doc = built.docs[hit.ref];
    var li = element("li", "sg-result");
    li.id = "sg-result-" + n;
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    var title = element("a", "sg-result__title");
    title.href = "papers/" + encodeURIComponent(doc.slug) + ".html";
    var parts = doc.title.split(SEPARATORS);
    appendMarked(title, parts, 0, parts.length, hit.terms, built);
    var meta = element("div", "sg-result__meta");
    meta.appendChild(document.createTextNode(doc.date));
    doc.topics.forEach(function (number) {
      var tag = element("a", "sg-result__tag");
      tag.href = "topics/" + encodeURIComponent(built.topics[number][0]) + ".html";
      tag.textContent = built.topics[number][1];
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(tag);
    });
    if (doc.code) meta.appendChild(document.createTextNode(" · code"));
    var snippet = element("p", "sg-result__snippet");
    li.appendChild(title);
    li.appendChild(meta);
    li.appendChild(snippet);
    built.abstract(hit.ref).then(function (text) {
      if (mine === generation) fillSnippet(snippet, text, hit.terms, built);
    }, function () { /* the result stays without its snippet */ });
    return li;
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

  function select(n) {
    var items = results.children;
    if (active >= 0 && items[active]) items[active].setAttribute("aria-selected", "false");
    active = n >= 0 && n < items.length ? n : -1;
    if (active >= 0) {
      items[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function scheduleUrl(text, chosen) {
    clearTimeout(urlTimer);
    urlTimer = setTimeout(function () {
      var params = new URLSearchParams();
      if (text) params.set("q", text);
      if (chosen.topic) params.set("topic", chosen.topic);
      if (chosen.year) params.set("year", chosen.year);
      if (chosen.code) params.set("code", "1");
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
    var count = results.children.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!count) return;
      event.preventDefault();
      var next = active + (event.key === "ArrowDown" ? 1 : -1);
      if (next >= count) next = 0;
      if (next < -1) next = count - 1;
      select(next);
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (active >= 0) window.location.href = results.children[active].querySelector("a").href;
      else run();
    } else if (event.key === "Escape" && active >= 0) {
      select(-1);
    }
  });
  [topic, year, code].forEach(function (control) { control.addEventListener("change", run); });
  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  more.addEventListener("click", function () {
    ready().then(function (built) { showMore(built, generation); });
  });

  /* On this page the header's box searches in place. */
  var header = document.querySelector("form.sg-header-search");
  if (header) {
    header.addEventListener("submit", function (event) {
      event.preventDefault();
      var box = header.querySelector("input[name=q]");
      if (box.value) input.value = box.value;
      input.focus();
      run();
    });
  }

  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  setSelect(topic, params.get("topic"));
  setSelect(year, params.get("year"));
  code.checked = params.get("code") === "1";
  if (input.value || params.has("topic") || params.has("year") || params.has("code")) run();
})();
