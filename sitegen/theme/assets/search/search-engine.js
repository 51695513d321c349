/*
 * sitegen's search engine. The lunr index was built once, at build time, by lunr.py (sitegen/search/); this
 * script loads it as <script> files, because fetch() fails on file://, and queries it with lunr.js 2.3.9.
 * It knows nothing of the page: search.js draws the results.
 *
 *   sitegenEngine.open()                  -> Promise of an Engine (lunr.js, the index and the result data)
 *   engine.search(text, {topic, year, code}) -> hits [{ref, score, terms}], best first; always an array
 *   engine.docs[ref], engine.abstract(ref), engine.matches(word, terms), engine.hasWords(text)
 */
(function () {
  "use strict";

  var FORMAT = 1;                          // sitegen/search/lunr_index.py FORMAT
  var NOT_WORD = /[^\p{L}\p{N}_]+/gu;      // Python's \W: the cut of sitegen/search/text.py index_text()
  var ENDS_IN_WORD = /[\p{L}\p{N}_]$/u;

  var base = document.currentScript.src.replace(/[^\/]*$/, "");
  var received = Object.create(null);
  var loading = Object.create(null);

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

  /* The lunr query clauses for text, and what each word requires of a hit; none when text has no word. */
  Engine.prototype.clauses = function (text) {
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
    return { clauses: clauses, wanted: wanted };
  };

  /* Whether text has a word to search for (not only stop words or punctuation). */
  Engine.prototype.hasWords = function (text) {
    return this.clauses(text).clauses.length > 0;
  };

  /* Return the hits ({ref, score, terms}) that match every word of text and pass the filters, best first.
     Text without a word matches every paper the filters pass (none when no filter is set). The query is built
     with lunr's API, never parsed, so `foo:`, `~` or `^` typed by accident are just text. */
  Engine.prototype.search = function (text, filters) {
    var self = this, query = this.clauses(text), chosen = filters || {};
    var hits;
    if (!query.clauses.length) {
      if (!(chosen.topic || chosen.year || chosen.code)) return [];
      hits = this.docs.map(function (doc) { return { ref: doc.ref, score: 0, terms: new Set() }; });
    } else {
      hits = this.index.query(function (q) {
        query.clauses.forEach(function (clause) { q.term(clause.term, clause); });
      }).map(function (result) {
        return { ref: Number(result.ref), score: result.score, terms: new Set(Object.keys(result.matchData.metadata)) };
      }).filter(function (hit) {
        return query.wanted.every(function (want) { return self.satisfies(hit, want); });
      }).sort(function (a, b) { return b.score - a.score || a.ref - b.ref; });
    }
    return hits.filter(function (hit) { return self.passes(self.docs[hit.ref], chosen); });
  };

  /* Whether a hit has a word: one of its stems, or a term starting with its prefix while it is typed. */
  Engine.prototype.satisfies = function (hit, want) {
    if (want.stems.some(function (stem) { return hit.terms.has(stem); })) return true;
    if (want.prefix === null) return false;
    for (var term of hit.terms) if (term.lastIndexOf(want.prefix, 0) === 0) return true;
    return false;
  };

  Engine.prototype.passes = function (doc, filters) {
    if (filters.topic && doc.topics.indexOf(this.topicNumber.get(filters.topic)) < 0) return false;
    if (filters.year && String(doc.year) !== filters.year) return false;
    if (filters.code === "working") return doc.code === 2;  // a live, non-empty repository, as last checked
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

  /* Load lunr.js, the index and the result data (once), and make the engine. */
  var opened = null;
  function open() {
    if (!opened) {
      opened = Promise.all([load("lunr"), load("index"), load("docs")]).then(function (data) {
        return new Engine(data[1], data[2]);
      });
      opened.catch(function () { opened = null; });
    }
    return opened;
  }

  window.sitegenEngine = { open: open, words: words };
})();
