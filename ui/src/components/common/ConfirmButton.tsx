import { createSignal, Show, type JSX } from "solid-js";
import { t } from "../../i18n";

/**
 * A button that asks before doing something hard to undo. The question appears in
 * place (not a native dialog, which the desktop webview may not show) and takes focus,
 * so Enter confirms and Escape or Cancel goes back.
 */
export function ConfirmButton(props: {
  label: string;
  question: string;
  onConfirm: () => void;
  disabled?: boolean;
  danger?: boolean;
  testid?: string;
  class?: string;
  children?: JSX.Element;
}) {
  const [asking, setAsking] = createSignal(false);
  let yes: HTMLButtonElement | undefined;
  let opener: HTMLButtonElement | undefined;

  const ask = () => {
    setAsking(true);
    queueMicrotask(() => yes?.focus());
  };
  const cancel = () => {
    setAsking(false);
    queueMicrotask(() => opener?.focus());
  };

  return (
    <Show
      when={asking()}
      fallback={
        <button
          type="button"
          ref={opener}
          class={props.class ?? (props.danger ? "danger" : "")}
          data-testid={props.testid}
          disabled={props.disabled}
          onClick={ask}
        >
          {props.children ?? props.label}
        </button>
      }
    >
      <div
        class="confirm"
        role="group"
        aria-label={props.question}
        onKeyDown={(e) => {
          if (e.key === "Escape") cancel();
        }}
      >
        <p>{props.question}</p>
        <div class="row">
          <button
            type="button"
            ref={yes}
            class={props.danger ? "danger" : "primary"}
            data-testid="confirm-yes"
            onClick={() => {
              setAsking(false);
              props.onConfirm();
            }}
          >
            {t("common.confirm")}
          </button>
          <button type="button" data-testid="confirm-no" onClick={cancel}>
            {t("common.cancel")}
          </button>
        </div>
      </div>
    </Show>
  );
}
