//! The co-op's own proposal templates (`template.add`): any member adds one; the first
//! valid one of an id, by (depth, id), is the co-op's, and a later one of the same id in
//! its past is refused.

use super::body::TemplateAdd;
use crate::areas::Rules;
use crate::fold::{Fold, Placed, Refusal, Scope};
use crate::id::RecordId;
use crate::kinds::Body;
use crate::membership::Bylaws;
use crate::record::Record;

impl Rules for TemplateAdd {
    fn judge(&self, record: &Record, scope: &Scope<'_>, _: &Bylaws) -> Result<(), Refusal> {
        let taken = scope
            .fold
            .index
            .governance
            .templates
            .iter()
            .filter_map(|(_, id)| scope.fold.get(id))
            .any(|p| {
                matches!(p.record.body(), Body::TemplateAdd(t) if t.id == self.id)
                    && scope.reaches(&p.record.id(), record.deps())
            });
        if taken {
            return Err(Refusal::TemplateExists(self.id.clone()));
        }
        Ok(())
    }

    fn index(&self, placed: &Placed, fold: &mut Fold) {
        if placed.verdict.is_ok() {
            let entry = (placed.depth, placed.record.id());
            fold.index.governance.templates.insert(entry);
        }
    }
}

impl Fold {
    /// The co-op's templates, oldest first: of each id, the first valid one by (depth,
    /// id), with its record.
    pub fn templates(&self) -> Vec<(&Placed, &TemplateAdd)> {
        let mut seen: Vec<&str> = Vec::new();
        let mut out = Vec::new();
        for (_, id) in &self.index.governance.templates {
            let Some(p) = self.get(id) else { continue };
            let Body::TemplateAdd(t) = p.record.body() else {
                continue;
            };
            if !seen.contains(&t.id.as_str()) {
                seen.push(&t.id);
                out.push((p, t));
            }
        }
        out
    }

    /// The co-op's template of id `id`, if it keeps one.
    pub fn template(&self, id: &str) -> Option<(RecordId, &TemplateAdd)> {
        self.templates()
            .into_iter()
            .find(|(_, t)| t.id == id)
            .map(|(p, t)| (p.record.id(), t))
    }
}
