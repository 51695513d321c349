/*
 * sitegen's search engine. The lunr index was built once, at build time, by lunr.py (sitegen/search/) and cut
 * into pieces by term (sitegen/search/shards.py). This script loads the pieces a query needs as <script> files,
 * because fetch() fails on file://, rebuilds from them the part of lunr's index the query reads, and queries it
 * with lunr.js 2.3.9: the scores are lunr's own. It knows nothing of the page: search.js draws the results.
 *
 *   sitegenEngine.open()                       -> Promise of an Engine (lunr.js and the manifest)
 *   engine.search(text, {topic, year, code}, finished)
 *                                              -> Promise of {hits: [{ref, score, terms}], corrected, also, typeMore}
 *   engine.docs(refs), engine.abstract(ref), engine.matches(word, terms), engine.hasWords(text, finished),
 *   engine.feeds
 *
 * While a query is typed, its last word (unless a space follows it) is a prefix; a finished query (a link's, or
 * one sent with Enter: `finished` true) has whole words only, so a misspelt last word is corrected like any other.
 *
 * Beyond lunr: a word that matches nothing is corrected to the index's likeliest term one edit away (two for
 * long words); "quoted phrases" and a query that is a paper's title, or the start of one, rank those papers
 * first, checked against the papers' own text; an arXiv id (arXiv:2305.11627v2) is searched as its words.
 */
(function () {
  "use strict";

  var FORMAT = 2;                          // sitegen/search/shards.py FORMAT
  var NOT_WORD = /[^\p{L}\p{N}_]+/gu;      // Python's \W: the cut of sitegen/search/text.py index_text()
  var ENDS_IN_WORD = /[\p{L}\p{N}_]$/u;
  var ARXIV = /\barxiv:\s*|\bhttps?:\/\/(?:www\.)?(?:arxiv\.org\/(?:abs|pdf)|huggingface\.co\/papers)\//gi;
  var ARXIV_VERSION = /\b(\d{4}\.\d{4,5})v\d+\b/g;
  var PREFIX_RUNS = 3;                     // a typed prefix spanning more term files completes once typed further
  var CANDIDATES = 50;                     // top hits checked against their title (and text, for a phrase)
  var CORRECTED_BOOST = 0.5;               // a corrected word counts less than one typed right
  var LONG_WORD = 8;                       // words this long may be two edits off
  var LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789";
  var FEW = 3;                             // a search finding fewer papers also tries what its rare words are near
  var RARE = 2;                            // ... words in at most this many papers
  var COMMONER = 10;                       // ... near a word in ten times as many
  var HAS_DIGIT = /\p{N}/u;               // numbers and ids are not corrected: 2505.00002 is not 2505.00001

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

  /* The query as typed: its words in order, its quoted phrases (two words or more), and whether the last word
     is still being typed (never in a finished query). An arXiv id loses its `arXiv:` or its arXiv or Hugging Face
     address, and its version. */
  function parse(text, finished) {
    var cleaned = text.replace(ARXIV, " ").replace(ARXIV_VERSION, "$1"), phrases = [];
    cleaned.replace(/"([^"]*)"/g, function (whole, inner) {
      var list = words(inner);
      if (list.length > 1) phrases.push(list);
      return whole;
    });
    return { words: words(cleaned), phrases: phrases, typing: !finished && ENDS_IN_WORD.test(text) };
  }

  /* Whether list holds run as consecutive words (from `from`, the last one as a prefix when `open`). */
  function holds(list, run, open) {
    for (var start = 0; start + run.length <= list.length; start++) {
      if (startsAt(list, run, start, open)) return true;
    }
    return false;
  }

  function startsAt(list, run, start, open) {
    for (var i = 0; i < run.length; i++) {
      var word = list[start + i], last = i === run.length - 1;
      if (word === undefined || !(word === run[i] || (open && last && word.lastIndexOf(run[i], 0) === 0))) return false;
    }
    return true;
  }

  /* Optimal string alignment distance between a and b, or limit + 1 once it must exceed limit. */
  function distance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var before = null, previous = [], row = [], i, j;
    for (j = 0; j <= b.length; j++) previous.push(j);
    for (i = 1; i <= a.length; i++) {
      row = [i];
      var least = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var value = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
        if (before && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          value = Math.min(value, before[j - 2] + 1);
        }
        row.push(value);
        if (value < least) least = value;
      }
      if (least > limit) return limit + 1;
      before = previous;
      previous = row;
    }
    return previous[b.length];
  }

  /* Every string one deletion, transposition, substitution or insertion away from word. */
  function edits(word) {
    var out = [], i, c;
    for (i = 0; i <= word.length; i++) {
      var head = word.slice(0, i), tail = word.slice(i);
      if (tail) out.push(head + tail.slice(1));
      if (tail.length > 1) out.push(head + tail[1] + tail[0] + tail.slice(2));
      for (c = 0; c < LETTERS.length; c++) {
        if (tail) out.push(head + LETTERS[c] + tail.slice(1));
        out.push(head + LETTERS[c] + tail);
      }
    }
    return out;
  }

  var NO_METADATA = Object.freeze({});

  function Engine(manifest) {
    if (!manifest || manifest.format !== FORMAT) throw new Error("unknown search index format");
    this.manifest = manifest;
    this.fields = manifest.fields;
    this.runStarts = manifest.chunks;      // each term file's first term, in UTF-16 order as JavaScript compares
    this.runs = [];
    this.count = manifest.count;
    this.topics = manifest.topics;
    this.feeds = manifest.feeds || [];
    this.withdrawn = new Set(manifest.withdrawn || []);
    this.topicNumber = new Map(manifest.topics.map(function (topic, n) { return [topic[0], n]; }));
    this.pipeline = lunr.Pipeline.load(manifest.pipeline);
    this.stemCache = new Map();
    this.vocabulary = null;
  }

  /* The index terms a word stands for. lunr.py's Porter stemmer, which built the index, ends a stem in "i"
     where lunr.js's keeps "y" ("deploy": "deploi", "deploy"), and keeps "y" where lunr.js's turns a y after a
     vowel-less stem into "i" ("fly": "fly", "fli"); over 250,000 words there is no other difference. So a word
     stands for its lunr.js stem with either ending. */
  Engine.prototype.stems = function (word) {
    var stems = this.stemCache.get(word);
    if (stems === undefined) {
      var stem = this.pipeline.runString(word).join(" "), last = stem.slice(-1);
      stems = [stem];
      if (word.length > 2 && (last === "y" || last === "i")) stems.push(stem.slice(0, -1) + (last === "y" ? "i" : "y"));
      this.stemCache.set(word, stems);
    }
    return stems;
  };

  /* The number of the term file a term is in, or would be: the last whose first term is not after it. */
  Engine.prototype.runOf = function (term) {
    var lo = 0, hi = this.runStarts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (this.runStarts[mid] <= term) lo = mid; else hi = mid - 1;
    }
    return lo;
  };

  /* The term files holding the terms that start with prefix: [first, last]. */
  Engine.prototype.span = function (prefix) {
    return [this.runOf(prefix), this.runOf(prefix + "\uffff")];
  };

  Engine.prototype.loadRuns = function (numbers) {
    var self = this;
    return Promise.all(numbers.filter(function (n, i) {
      return numbers.indexOf(n) === i && n < self.runStarts.length && !self.runs[n];
    }).map(function (n) {
      return load("terms/" + n).then(function (data) {
        var at = new Map();
        data.terms.forEach(function (term, i) { at.set(term, i); });
        self.runs[n] = { terms: data.terms, postings: data.postings, at: at, start: self.manifest.starts[n] };
      });
    }));
  };

  /* A loaded term's number and postings, or null when the index has no such term. */
  Engine.prototype.posting = function (term) {
    var run = this.runStarts.length ? this.runs[this.runOf(term)] : null, i = run ? run.at.get(term) : undefined;
    return i === undefined ? null : { number: run.start + i, postings: run.postings[i] };
  };

  /* The loaded terms that start with prefix, in order. */
  Engine.prototype.withPrefix = function (prefix) {
    var out = [], span = this.span(prefix);
    for (var n = span[0]; n <= span[1]; n++) {
      var terms = this.runs[n] ? this.runs[n].terms : [], lo = 0, hi = terms.length;
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (terms[mid] < prefix) lo = mid + 1; else hi = mid;
      }
      for (; lo < terms.length && terms[lo].lastIndexOf(prefix, 0) === 0; lo++) out.push(terms[lo]);
    }
    return out;
  };

  /* The words of a query, each with its stems and, for the word being typed, the shortest prefix to try
     (the index holds stems, which are not always prefixes of the longer forms: "pruni" -> "prun"). */
  Engine.prototype.plan = function (parsed) {
    var self = this, last = parsed.words.length - 1;
    return parsed.words.map(function (word, i) {
      var stop = isStopWord(word), typing = parsed.typing && i === last;
      return { word: word, stop: stop, stems: stop ? [] : self.stems(word), typing: typing,
               least: !typing ? null : HAS_DIGIT.test(word) ? word : word.slice(0, Math.max(2, Math.ceil(word.length * 0.6))),
               prefix: null, corrected: null };
    });
  };

  /* The term files a plan reads. A prefix spanning many files is completed only once it spans few. */
  Engine.prototype.runsFor = function (plan) {
    var self = this, numbers = [];
    if (!this.runStarts.length) return numbers;
    plan.forEach(function (word) {
      word.stems.forEach(function (stem) { numbers.push(self.runOf(stem)); });
      if (!word.typing) return;
      var wide = self.span(word.least), narrow = self.span(word.word), span = null;
      if (wide[1] - wide[0] < PREFIX_RUNS) span = wide;
      else if (narrow[1] - narrow[0] < PREFIX_RUNS) span = narrow;
      word.spanned = Boolean(span);
      for (var n = span ? span[0] : 0; span && n <= span[1]; n++) numbers.push(n);
    });
    return numbers;
  };

  /* After loading: the prefix each typed word completes, the longest that some term starts with, among the
     prefixes whose term files are all loaded (a shorter one would be completed in part). */
  Engine.prototype.complete = function (plan) {
    var self = this;
    plan.forEach(function (word) {
      if (!word.typing || !word.spanned) return;
      for (var n = word.word.length; n >= word.least.length; n--) {
        var prefix = word.word.slice(0, n);
        if (!self.loaded(self.span(prefix))) return;
        if (self.withPrefix(prefix).length) { word.prefix = prefix; return; }
      }
    });
  };

  Engine.prototype.loaded = function (span) {
    for (var n = span[0]; n <= span[1]; n++) if (!this.runs[n]) return false;
    return true;
  };

  /* Whether a planned word is found in the index as it is. */
  Engine.prototype.found = function (word) {
    var self = this;
    return word.stop || word.prefix !== null || word.stems.some(function (stem) { return self.posting(stem); });
  };

  /* The likeliest correction of a word that matches nothing: among the index terms nearest to it, the one in
     the most papers. Near is one edit (two for long words) from the word a term usually stands for, or from
     the word's stem; or one edit of the word, stemmed. */
  Engine.prototype.correction = function (word) {
    var vocabulary = this.vocabulary, stem = this.stems(word)[0], best = null, limit = word.length >= LONG_WORD ? 2 : 1;
    function offer(term, away, shown) {
      var count = vocabulary.count.get(term);
      if (count === undefined || term === stem) return;
      if (!best || away < best.away || (away === best.away && count > best.count)) {
        best = { term: term, away: away, count: count, shown: shown };
      }
    }
    var pipeline = this.pipeline;
    edits(word).forEach(function (edit) {
      if (edit && !isStopWord(edit)) offer(pipeline.runString(edit).join(" "), 1, edit);
    });
    function near(byLength, form, shown) {
      for (var length = form.length - limit; length <= form.length + limit; length++) {
        (byLength.get(length) || []).forEach(function (entry) {
          var away = distance(form, entry[0], limit);
          if (away <= limit) offer(entry[1], away, shown(entry));
        });
      }
    }
    near(vocabulary.byWord, word, function (entry) { return entry[0]; });
    near(vocabulary.byTerm, stem, function (entry) {
      return word.lastIndexOf(stem, 0) === 0 ? entry[0] + word.slice(stem.length) : entry[0];
    });
    return best;
  };

  Engine.prototype.loadVocabulary = function () {
    var self = this;
    function add(map, key, entry) {
      (map.get(key.length) || map.set(key.length, []).get(key.length)).push(entry);
    }
    return load("words").then(function (data) {
      if (!self.vocabulary) {
        var count = new Map(), byTerm = new Map(), byWord = new Map();
        data.terms.forEach(function (term, i) {
          var spelled = data.word[i], usual = spelled[0] === "=" ? spelled.slice(1) : term + spelled;
          count.set(term, data.df[i]);
          add(byTerm, term, [term, term]);
          add(byWord, usual, [usual, term]);
        });
        self.vocabulary = { count: count, byTerm: byTerm, byWord: byWord };
      }
    });
  };

  /* Correct the words found nothing for (but numbers); load the term files of the corrections. */
  Engine.prototype.correct = function (plan) {
    var self = this, lost = plan.filter(function (word) { return !self.found(word) && !HAS_DIGIT.test(word.word); });
    if (!lost.length) return Promise.resolve();
    return this.loadVocabulary().then(function () {
      lost.forEach(function (word) { word.corrected = self.correction(word.word); });
      return self.loadRuns(lost.filter(function (w) { return w.corrected; }).map(function (w) {
        return self.runOf(w.corrected.term);
      }));
    });
  };

  /* When a search finds few papers: each rare word (in a paper or two, perhaps a misspelling the archive holds)
     that has a far commoner neighbour also stands for it, ranked below its own matches. True if any has. */
  Engine.prototype.widen = function (plan) {
    var self = this, rare = plan.filter(function (word) {
      return !word.stop && !word.corrected && !HAS_DIGIT.test(word.word) &&
        self.papersWith(word.stems) <= RARE;
    });
    if (!rare.length) return Promise.resolve(false);
    return this.loadVocabulary().then(function () {
      rare.forEach(function (word) {
        var near = self.correction(word.word);
        if (near && near.count >= COMMONER * self.papersWith(word.stems)) word.also = near;
      });
      var widened = rare.filter(function (w) { return w.also; });
      return self.loadRuns(widened.map(function (w) { return self.runOf(w.also.term); })).then(function () {
        return widened.length > 0;
      });
    });
  };

  /* How many papers hold one of the terms (their postings must be loaded). */
  Engine.prototype.papersWith = function (terms) {
    var self = this, refs = new Set();
    terms.forEach(function (term) {
      var found = self.posting(term);
      (found ? found.postings : []).forEach(function (flat) {
        for (var i = 0, ref = 0; i < flat.length; i += 2) refs.add(ref += flat[i]);
      });
    });
    return refs.size;
  };

  /* The lunr clauses for a plan, and what each word requires of a hit. */
  function clauses(plan) {
    var list = [], wanted = [];
    plan.forEach(function (word) {
      if (word.corrected) {
        list.push({ term: word.corrected.term, usePipeline: false, boost: CORRECTED_BOOST });
        wanted.push({ stems: [word.corrected.term], prefix: null });
        return;
      }
      if (!word.stop) {
        word.stems.forEach(function (stem) { list.push({ term: stem, usePipeline: false }); });
        if (word.also) list.push({ term: word.also.term, usePipeline: false, boost: CORRECTED_BOOST });
        wanted.push({ stems: word.also ? word.stems.concat([word.also.term]) : word.stems, prefix: word.prefix,
                      exact: word.stems });
      }
      if (word.prefix) {
        list.push({ term: word.prefix, usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING, boost: 0.3 });
      }
    });
    return { clauses: list, wanted: wanted };
  }

  /* The query's terms: each clause's term, or the terms its prefix expands to, that the index has, with the sum
     of the boosts of the clauses naming it (lunr's query vector, the same for every field). */
  Engine.prototype.queryTerms = function (list) {
    var self = this, boosts = new Map();
    list.forEach(function (clause) {
      var expanded = clause.wildcard ? self.withPrefix(clause.term) : self.posting(clause.term) ? [clause.term] : [];
      var boost = clause.boost === undefined ? 1 : clause.boost;
      expanded.forEach(function (term) { boosts.set(term, (boosts.get(term) || 0) + boost); });
    });
    return boosts;
  };

  /* lunr's scores for the clauses, as lunr.Index.prototype.query computes them, straight from the postings:
     for each field holding a query term, the query vector's dot product with the field vector, over the query
     vector's magnitude; summed over fields. Returns [{ref, score, terms, meta}] with meta[term][field] as in
     lunr's matchData. (lunr.js's own query over the same part of the index gives the same: the tests check it
     with tests/lunr_reference.js. It builds an object per document and field, several times slower.) */
  Engine.prototype.score = function (list) {
    var self = this, boosts = this.queryTerms(list), scale = this.manifest.scale, magnitude = 0;
    var matched = new Map();               // ref -> {meta, dots: the dot product per field}
    // In the index's term order, as lunr's vectors add up their products.
    Array.from(boosts.keys()).sort().forEach(function (term) {
      var boost = boosts.get(term), postings = self.posting(term).postings;
      magnitude += boost * boost;
      self.fields.forEach(function (field, f) {
        var flat = postings[f], ref = 0;
        for (var i = 0; i < flat.length; i += 2) {
          ref += flat[i];
          var doc = matched.get(ref);
          if (!doc) matched.set(ref, doc = { meta: Object.create(null), dots: new Float64Array(self.fields.length) });
          (doc.meta[term] || (doc.meta[term] = Object.create(null)))[field] = NO_METADATA;
          doc.dots[f] += boost * (flat[i + 1] / scale);
        }
      });
    });
    // lunr divides each field's dot product by that field's query vector's magnitude: every field's holds every
    // query term with the same boosts, so it is one magnitude.
    var norm = Math.sqrt(magnitude), hits = [];
    matched.forEach(function (doc, ref) {
      var total = 0;
      for (var f = 0; f < doc.dots.length; f++) total += doc.dots[f] / norm || 0;
      hits.push({ ref: ref, score: total, terms: new Set(Object.keys(doc.meta)), meta: doc.meta });
    });
    return hits;
  };

  /* Whether text has a word to search for (not only stop words or punctuation). */
  Engine.prototype.hasWords = function (text, finished) {
    var parsed = parse(text, finished), last = parsed.words.length - 1;
    return parsed.words.some(function (word, i) { return !isStopWord(word) || (parsed.typing && i === last); });
  };

  /* Return {hits, corrected}: the hits ({ref, score, terms}) that match every word of text and pass the
     filters, best first, and the query as searched when a word was corrected (else null). Text without a word
     matches every paper the filters pass (none when no filter is set). The query is built with lunr's API,
     never parsed, so `foo:`, `~` or `^` typed by accident are just text. When finished, no word is a prefix. */
  Engine.prototype.search = function (text, filters, finished) {
    var self = this, chosen = filters || {}, parsed = parse(text, finished), plan = this.plan(parsed);
    if (!clauses(plan).clauses.length && !plan.some(function (w) { return w.typing; })) {
      if (!(chosen.topic || chosen.year || chosen.code)) return Promise.resolve({ hits: [], corrected: null });
      var all = [];
      for (var ref = 0; ref < this.count; ref++) {
        if (this.passes(ref, chosen)) all.push({ ref: ref, score: 0, terms: new Set(), meta: {} });
      }
      return Promise.resolve({ hits: all, corrected: null });
    }
    return this.loadRuns(this.runsFor(plan)).then(function () {
      self.complete(plan);
      return self.correct(plan);
    }).then(function () {
      var query = clauses(plan);
      // A word being typed that is too short to complete yet (it would load much of the index) waits.
      if (!query.clauses.length) return { hits: [], corrected: null, typeMore: plan.some(function (w) { return w.typing; }) };
      var hits = self.hits(query, chosen);
      if (hits.length >= FEW || plan.some(function (w) { return w.corrected; })) return self.finish(hits, parsed, plan, query);
      return self.widen(plan).then(function (widened) {
        if (!widened) return self.finish(hits, parsed, plan, query);
        var wider = clauses(plan);
        return self.finish(self.hits(wider, chosen), parsed, plan, wider);
      });
    });
  };

  /* The hits of a query that have every word and pass the filters, best first. */
  Engine.prototype.hits = function (query, chosen) {
    var self = this;
    return this.score(query.clauses).filter(function (hit) {
      return query.wanted.every(function (want) { return self.satisfies(hit, want); }) && self.passes(hit.ref, chosen);
    }).map(function (hit) {
      // A word that also stands for a commoner neighbour: the papers with the word itself come first.
      hit.near = query.wanted.some(function (want) {
        return want.exact && !self.satisfies(hit, { stems: want.exact, prefix: want.prefix });
      });
      return hit;
    }).sort(function (a, b) { return a.near - b.near || b.score - a.score || a.ref - b.ref; });
  };

  /* Rank titles and phrases first; say which words were corrected (`corrected`) or also searched (`also`). */
  Engine.prototype.finish = function (hits, parsed, plan, query) {
    function said(key) {
      return plan.some(function (w) { return w[key]; }) ? plan.map(function (w) {
        return w[key] ? w[key].shown : w.word;
      }).join(" ") : null;
    }
    return this.rerank(hits, parsed, query.wanted).then(function (ranked) {
      return { hits: ranked, corrected: said("corrected"), also: said("also") };
    });
  };

  /* Whether a hit has a word: one of its stems, or a term starting with its prefix while it is typed;
     in field, when one is named. */
  Engine.prototype.satisfies = function (hit, want, field) {
    function has(term) { return hit.meta[term] && (!field || hit.meta[term][field]); }
    if (want.stems.some(has)) return true;
    if (want.prefix === null) return false;
    for (var term of hit.terms) if (term.lastIndexOf(want.prefix, 0) === 0 && has(term)) return true;
    return false;
  };

  /* Rank first, among the top hits, the papers whose title is the query, then those whose title starts with
     it, then those holding every quoted phrase in their title or abstract; lunr's order otherwise. */
  Engine.prototype.rerank = function (hits, parsed, wanted) {
    var self = this, top = hits.slice(0, CANDIDATES);
    // A title can start with the query only if its first word (but stop words) is the query's: the index's
    // `lead` field says which hits that is, so only their titles are loaded.
    var titled = top.filter(function (hit) {
      return wanted.length && self.satisfies(hit, wanted[0], "lead") &&
        wanted.every(function (want) { return self.satisfies(hit, want, "title"); });
    });
    var phrased = parsed.phrases.length ? top : [];
    return Promise.all([
      this.docs(titled.concat(phrased).map(function (hit) { return hit.ref; })),
      Promise.all(phrased.map(function (hit) { return self.abstract(hit.ref); }))
    ]).then(function (loaded) {
      var tier = new Map(), docs = loaded[0], abstracts = loaded[1];
      titled.forEach(function (hit, i) {
        var title = words(docs[i].title), query = parsed.words;
        if (title.length === query.length && startsAt(title, query, 0, false)) tier.set(hit.ref, 0);
        else if (query.length && startsAt(title, query, 0, parsed.typing)) tier.set(hit.ref, 1);
      });
      phrased.forEach(function (hit, i) {
        var title = words(docs[titled.length + i].title), abstract = words(abstracts[i]);
        var all = parsed.phrases.every(function (phrase) { return holds(title, phrase) || holds(abstract, phrase); });
        if (all && !tier.has(hit.ref)) tier.set(hit.ref, 2);
      });
      if (!tier.size) return hits;
      var rank = function (hit) { return tier.has(hit.ref) ? tier.get(hit.ref) : 3; };
      return top.map(function (hit, i) { return [rank(hit), i, hit]; })
        .sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; })
        .map(function (entry) { return entry[2]; }).concat(hits.slice(CANDIDATES));
    });
  };

  Engine.prototype.passes = function (ref, filters) {
    var m = this.manifest;
    if (filters.topic && m.topic[ref].indexOf(this.topicNumber.get(filters.topic)) < 0) return false;
    if (filters.year && String(m.year[ref]) !== filters.year) return false;
    if (filters.code === "working") return m.code[ref] === 2;  // a live, non-empty repository, as last checked
    return !(filters.code && !m.code[ref]);
  };

  /* What results show of documents, from their result-data files:
     {ref, slug, title, date, authors, topics, code, withdrawn}. */
  Engine.prototype.docs = function (refs) {
    var self = this, size = this.manifest.docShard;
    return Promise.all(refs.map(function (ref) {
      return load("docs/" + Math.floor(ref / size)).then(function (rows) {
        var row = rows[ref % size];
        return { ref: ref, slug: row[0], title: row[1], date: row[2], authors: row[3],
                 topics: self.manifest.topic[ref], code: self.manifest.code[ref],
                 withdrawn: self.withdrawn.has(ref) };
      });
    }));
  };

  /* The abstract of a document, from its text file. */
  Engine.prototype.abstract = function (ref) {
    var size = this.manifest.textShard;
    return load("text/" + Math.floor(ref / size)).then(function (texts) { return texts[ref % size] || ""; });
  };

  Engine.prototype.matches = function (word, terms) {
    var list = words(word), self = this;
    return terms.size > 0 && list.some(function (w) {
      return !isStopWord(w) && self.stems(w).some(function (stem) { return terms.has(stem); });
    });
  };

  /* Load lunr.js and the manifest (once), and make the engine. */
  var opened = null;
  function open() {
    if (!opened) {
      opened = Promise.all([load("lunr"), load("index")]).then(function (data) {
        return new Engine(data[1]);
      });
      opened.catch(function () { opened = null; });
    }
    return opened;
  }

  window.sitegenEngine = { open: open, words: words, parse: parse, clauses: clauses };
  // A search in the page's address: start loading lunr.js and the manifest now, while the page loads.
  if (new URLSearchParams(location.search).has("q")) open().catch(function () { /* search.js reports it */ });
})();
