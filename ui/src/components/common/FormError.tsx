import { Show } from "solid-js";

/** A form's failure, read out when it appears; the form around it keeps its values. */
export function FormError(props: { error: string | null; id?: string }) {
  return (
    <Show when={props.error}>
      <p class="form-error" role="alert" data-testid="form-error" id={props.id}>
        {props.error}
      </p>
    </Show>
  );
}
