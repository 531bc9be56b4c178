import { createUniqueId } from "solid-js";
import { t } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { go } from "../../lib/app/screen";
import { afterLeaving } from "../../lib/app/session";
import * as ipc from "../../lib/ipc";
import { ConfirmButton } from "../common/ConfirmButton";
import { FormError } from "../common/FormError";

export function LeavePanel(props: { coop: string; name: string; onLeft: () => void }) {
  const id = createUniqueId();
  const action = createAction();
  const leave = () =>
    void action.run(async () => {
      await ipc.leave(props.coop);
      await afterLeaving();
      props.onLeft();
      go({ name: "members" });
    });

  return (
    <section class="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t("leave.title")}</h2>
      <p class="hint">{t("leave.hint")}</p>
      <FormError error={action.error()} />
      <ConfirmButton
        danger
        testid="leave"
        label={t("leave.button", { coop: props.name })}
        question={t("leave.confirm", { coop: props.name })}
        disabled={action.busy()}
        onConfirm={leave}
      />
    </section>
  );
}
