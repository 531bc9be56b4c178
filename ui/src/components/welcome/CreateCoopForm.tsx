import { createSignal, createUniqueId, For } from "solid-js";
import { t, type Key } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { enterCoop } from "../../lib/app/session";
import { go } from "../../lib/app/screen";
import * as ipc from "../../lib/ipc";
import type { Admission } from "../../lib/ipc";
import { parseFraction, THRESHOLDS } from "../../lib/proposals/format";
import { NumberField } from "../common/NumberField";
import { FormError } from "../common/FormError";

/** A new co-op with its founding bylaws. */
export function CreateCoopForm() {
  const id = createUniqueId();
  const [name, setName] = createSignal("");
  const [currency, setCurrency] = createSignal("INR");
  const [admission, setAdmission] = createSignal<Admission>("any_member");
  const [quorum, setQuorum] = createSignal("50");
  const [threshold, setThreshold] = createSignal<string>("1/2");
  const action = createAction();

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const quorumPct = Number(quorum().trim());
    if (quorum().trim() === "" || !Number.isInteger(quorumPct)) {
      action.setError(t("common.not_a_number", { field: t("welcome.quorum") }));
      return;
    }
    const fraction = parseFraction(threshold()) ?? { num: 1, den: 2 };
    void action.run(async () => {
      const created = await ipc.createCoop({
        name: name().trim(),
        currency: currency().trim().toUpperCase(),
        admission: admission(),
        quorum_pct: quorumPct,
        threshold: fraction,
      });
      await enterCoop(created.id);
      go({ name: "members" });
    });
  };

  return (
    <form onSubmit={submit} novalidate aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{t("welcome.create")}</h3>
      <div class="field">
        <label for={`${id}-name`}>{t("welcome.coop_name")}</label>
        <input
          id={`${id}-name`}
          data-testid="coop-name"
          value={name()}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for={`${id}-cur`}>{t("welcome.currency")}</label>
        <input
          id={`${id}-cur`}
          data-testid="coop-currency"
          class="short"
          aria-describedby={`${id}-cur-hint`}
          value={currency()}
          onInput={(e) => setCurrency(e.currentTarget.value)}
        />
        <p class="hint" id={`${id}-cur-hint`}>
          {t("welcome.currency_hint")}
        </p>
      </div>
      <fieldset>
        <legend>{t("welcome.bylaws")}</legend>
        <div class="field">
          <label for={`${id}-adm`}>{t("welcome.admission")}</label>
          <select
            id={`${id}-adm`}
            data-testid="coop-admission"
            value={admission()}
            onChange={(e) => setAdmission(e.currentTarget.value as Admission)}
          >
            <option value="any_member">{t("welcome.admission_any")}</option>
            <option value="proposal">{t("welcome.admission_proposal")}</option>
          </select>
        </div>
        <NumberField
          label={t("welcome.quorum")}
          testid="coop-quorum"
          min={0}
          max={100}
          value={quorum()}
          onInput={setQuorum}
        />
        <div class="field">
          <label for={`${id}-t`}>{t("welcome.threshold")}</label>
          <select
            id={`${id}-t`}
            data-testid="coop-threshold"
            value={threshold()}
            onChange={(e) => setThreshold(e.currentTarget.value)}
          >
            <For each={THRESHOLDS}>
              {(f) => <option value={f}>{t(`fraction.${f}` as Key)}</option>}
            </For>
          </select>
        </div>
      </fieldset>
      <FormError error={action.error()} />
      <button type="submit" class="primary" data-testid="coop-create" disabled={action.busy()}>
        {t("welcome.create_coop")}
      </button>
    </form>
  );
}
