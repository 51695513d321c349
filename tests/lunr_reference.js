/*
 * The reference the search engine's scores are checked against (tests only): lunr.js's own query over the part
 * of lunr's index the clauses read: their terms' postings and, for the documents holding them, those terms'
 * entries of the field vectors, as lunr.Index.load would have them. search-engine.js scores straight from the
 * postings instead; tests/test_search_browser.py compares the two.
 */
window.sitegenLunrQuery = function (engine, list) {
  "use strict";
  var terms = Array.from(engine.queryTerms(list).keys()).sort(), scale = engine.manifest.scale;
  var inverted = Object.create(null), vectors = Object.create(null), fieldVectors = Object.create(null);
  terms.forEach(function (term) {
    var found = engine.posting(term), entry = { _index: found.number };
    engine.fields.forEach(function (field, f) {
      var flat = found.postings[f], refs = {}, ref = 0;
      for (var i = 0; i < flat.length; i += 2) {
        ref += flat[i];
        refs[ref] = {};
        (vectors[field + "/" + ref] || (vectors[field + "/" + ref] = [])).push(found.number, flat[i + 1] / scale);
      }
      entry[field] = refs;
    });
    inverted[term] = entry;
  });
  Object.keys(vectors).forEach(function (key) { fieldVectors[key] = new lunr.Vector(vectors[key]); });
  var index = new lunr.Index({ invertedIndex: inverted, fieldVectors: fieldVectors, fields: engine.fields,
                               tokenSet: lunr.TokenSet.fromArray(terms), pipeline: engine.pipeline });
  return index.query(function (q) {
    list.forEach(function (clause) { q.term(clause.term, Object.assign({}, clause)); });
  }).map(function (result) {
    var meta = result.matchData.metadata;
    return { ref: Number(result.ref), score: result.score, terms: new Set(Object.keys(meta)), meta: meta };
  });
};
