import { createUniqueId } from "solid-js";
import { t } from "../../i18n";

/** A period's first and last day, as two labelled date fields. */
export function PeriodFields(props: { from: string; to: string; onFrom: (day: string) => void; onTo: (day: string) => void }) {
  const uid = createUniqueId();
  return (
    <>
      <div class="field">
        <label for={`${uid}-f`}>{t("books.from")}</label>
        <input id={`${uid}-f`} type="date" value={props.from} onInput={(e) => props.onFrom(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for={`${uid}-t`}>{t("books.to")}</label>
        <input id={`${uid}-t`} type="date" value={props.to} onInput={(e) => props.onTo(e.currentTarget.value)} />
      </div>
    </>
  );
}
