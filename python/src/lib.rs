//! Python bindings: `thresh.Cleaner`, compiled once from rule packs and shared by every thread.
//!
//! Cleaning runs with the GIL released; `clean_many` and `run_many` spread a batch over all
//! cores with rayon. Rule-file errors become `thresh.RuleError` with the CLI's messages
//! (`FILE:LINE:COL: message`, one per line).

use std::collections::BTreeMap;
use std::path::PathBuf;

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use rayon::prelude::*;

use thresh::decide::Verdict;
use thresh::{DocumentContext, Outcome, RuleErrors, RuleSetBuilder};

create_exception!(
    _native,
    RuleError,
    PyValueError,
    "A rule file has errors; the message lists each as FILE:LINE:COL: message."
);

fn rule_error(errors: RuleErrors) -> PyErr {
    let lines: Vec<String> = errors.0.iter().map(ToString::to_string).collect();
    RuleError::new_err(lines.join("\n"))
}

/// Strips site chrome from scraped text with the bundled rule packs, your rule files and the
/// heuristics. Build one and reuse it: compiling the rules is the expensive part.
#[pyclass(frozen, module = "thresh")]
struct Cleaner {
    inner: thresh::Cleaner,
}

/// One cleaned document: its text and what was removed.
#[pyclass(frozen, get_all, module = "thresh")]
struct Cleaned {
    /// The kept text; ends with a newline only if the input did.
    text: String,
    /// Lines in the (normalised) input.
    lines: usize,
    /// Lines removed.
    lines_removed: usize,
    /// Lines removed per rule id (heuristics are `heuristics/…`).
    removed_by_rule: BTreeMap<String, usize>,
}

#[pymethods]
impl Cleaned {
    fn __repr__(&self) -> String {
        format!(
            "Cleaned(lines={}, lines_removed={}, text={:?}…)",
            self.lines,
            self.lines_removed,
            preview(&self.text)
        )
    }
}

fn preview(text: &str) -> &str {
    match text.char_indices().nth(40) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

impl Cleaner {
    fn outcome(&self, text: &str, url: Option<&str>) -> Outcome {
        self.inner.run(text, DocumentContext { url })
    }

    /// `each` over every text and its URL on all cores, the GIL released, in order.
    fn many<T: Send>(
        &self,
        py: Python<'_>,
        texts: &[String],
        urls: &Option<Vec<Option<String>>>,
        each: impl Fn(&str, Option<&str>) -> T + Sync,
    ) -> PyResult<Vec<T>> {
        check_urls(texts, urls)?;
        Ok(py.allow_threads(|| texts.par_iter().enumerate().map(|(i, t)| each(t, url_at(urls, i))).collect()))
    }

    fn cleaned(&self, text: &str, url: Option<&str>) -> Cleaned {
        let outcome = self.outcome(text, url);
        let removed_by_rule = outcome
            .drops_by_rule(self.inner.rules())
            .into_iter()
            .map(|(id, n)| (id.to_string(), n))
            .collect();
        Cleaned {
            text: outcome.field_text(text),
            lines: outcome.document.len(),
            lines_removed: outcome.dropped_lines(),
            removed_by_rule,
        }
    }
}

/// `urls` must match `texts` in length when given.
fn check_urls(texts: &[String], urls: &Option<Vec<Option<String>>>) -> PyResult<()> {
    match urls {
        Some(urls) if urls.len() != texts.len() => Err(PyValueError::new_err(format!(
            "urls has {} entries but texts has {}; pass one URL (or None) per text",
            urls.len(),
            texts.len()
        ))),
        _ => Ok(()),
    }
}

fn url_at(urls: &Option<Vec<Option<String>>>, i: usize) -> Option<&str> {
    urls.as_ref().and_then(|u| u[i].as_deref())
}

#[pymethods]
impl Cleaner {
    /// Cleaner(rules=[], default_rules=True, enable=[], disable=[], model=None,
    ///         min_article_probability=None)
    ///
    /// rules: rule files (TOML) added to the bundled packs. default_rules=False leaves only
    /// them. enable/disable: categories, packs or rule ids to switch on or off, as with
    /// `thresh clean --enable/--disable`. model: a line model file written by `thresh train`
    /// instead of the bundled one. min_article_probability: the precision/recall dial
    /// (0.0-1.0, default 0.3; lower keeps more; a text in which the rules find no chrome is
    /// judged at two thirds of it). Raises RuleError for a bad rule file,
    /// ValueError for a bad model file or dial.
    #[new]
    #[pyo3(signature = (rules = Vec::new(), default_rules = true, enable = Vec::new(), disable = Vec::new(), model = None, min_article_probability = None))]
    fn new(
        rules: Vec<PathBuf>,
        default_rules: bool,
        enable: Vec<String>,
        disable: Vec<String>,
        model: Option<PathBuf>,
        min_article_probability: Option<f64>,
    ) -> PyResult<Self> {
        if !default_rules && rules.is_empty() {
            return Err(PyValueError::new_err(
                "default_rules=False leaves no rules: pass at least one rule file",
            ));
        }
        let mut builder = if default_rules { RuleSetBuilder::with_bundled() } else { RuleSetBuilder::new() };
        for path in &rules {
            builder.add_file(path).map_err(rule_error)?;
        }
        for name in &enable {
            builder.enable(name.trim());
        }
        for name in &disable {
            builder.disable(name.trim());
        }
        if let Some(p) = min_article_probability {
            if !(0.0..=1.0).contains(&p) {
                return Err(PyValueError::new_err(format!(
                    "min_article_probability must be from 0.0 to 1.0, not {p}"
                )));
            }
            let mut settings = thresh::rules::HeuristicsSettings::default();
            settings.min_article_probability = Some(p);
            builder.set_heuristics(settings);
        }
        let rules = builder.build().map_err(rule_error)?;
        let inner = match model {
            Some(path) => {
                let model = thresh::heuristics::load_model(&path)
                    .map_err(|e| PyValueError::new_err(e.to_string()))?;
                thresh::Cleaner::with_model(rules, Some(model))
            }
            None => thresh::Cleaner::new(rules),
        };
        Ok(Cleaner { inner })
    }

    /// The cleaned text. `url` lets site packs limited to a domain apply.
    #[pyo3(signature = (text, url = None))]
    fn clean(&self, py: Python<'_>, text: String, url: Option<String>) -> String {
        py.allow_threads(|| self.outcome(&text, url.as_deref()).field_text(&text))
    }

    /// The cleaned text with counts of what was removed, per rule.
    #[pyo3(signature = (text, url = None))]
    fn run(&self, py: Python<'_>, text: String, url: Option<String>) -> Cleaned {
        py.allow_threads(|| self.cleaned(&text, url.as_deref()))
    }

    /// Every line of the normalised text with its verdict: a list of dicts with `line`
    /// (1-based), `text`, `action` ("keep" or "drop"), `rule` (the deciding rule id or None)
    /// and `reason` (as `thresh explain` prints it).
    #[pyo3(signature = (text, url = None))]
    fn explain(&self, py: Python<'_>, text: String, url: Option<String>) -> PyResult<Vec<PyObject>> {
        let outcome = py.allow_threads(|| self.outcome(&text, url.as_deref()));
        let rules = self.inner.rules();
        let mut out = Vec::with_capacity(outcome.document.len());
        for (i, verdict) in outcome.verdicts.iter().enumerate() {
            let line = outcome.document.line_text(i);
            let (action, reason) = thresh::write::describe(verdict, rules, line);
            let rule = match verdict {
                Verdict::Drop(reason) => Some(rules.rule(reason.rule).id.clone()),
                Verdict::Keep(thresh::decide::KeepReason::Exception { rule, .. }) => {
                    Some(rules.rule(*rule).id.clone())
                }
                Verdict::Keep(_) => None,
            };
            let dict = pyo3::types::PyDict::new(py);
            dict.set_item("line", i + 1)?;
            dict.set_item("text", line)?;
            dict.set_item("action", action)?;
            dict.set_item("rule", rule)?;
            dict.set_item("reason", reason)?;
            out.push(dict.into_any().unbind());
        }
        Ok(out)
    }

    /// Cleans a batch on all cores (the GIL is released); results keep the order of `texts`.
    #[pyo3(signature = (texts, urls = None))]
    fn clean_many(
        &self,
        py: Python<'_>,
        texts: Vec<String>,
        urls: Option<Vec<Option<String>>>,
    ) -> PyResult<Vec<String>> {
        self.many(py, &texts, &urls, |text, url| self.outcome(text, url).field_text(text))
    }

    /// Like `clean_many`, returning `Cleaned` results with removal counts.
    #[pyo3(signature = (texts, urls = None))]
    fn run_many(
        &self,
        py: Python<'_>,
        texts: Vec<String>,
        urls: Option<Vec<Option<String>>>,
    ) -> PyResult<Vec<Cleaned>> {
        self.many(py, &texts, &urls, |text, url| self.cleaned(text, url))
    }

    /// Ids of every rule in use, bundled and your own, heuristics included.
    fn rule_ids(&self) -> Vec<String> {
        self.inner.rules().rules().iter().map(|r| r.rule.id.clone()).collect()
    }

    fn __repr__(&self) -> String {
        format!("Cleaner({} rules)", self.inner.rules().rules().len())
    }
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Cleaner>()?;
    m.add_class::<Cleaned>()?;
    m.add("RuleError", m.py().get_type::<RuleError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
