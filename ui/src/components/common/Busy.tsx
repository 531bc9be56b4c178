import { Show } from "solid-js";

/** Words and a spinner for work that takes a while; the words are what matters. */
export function Busy(props: { when: boolean; text: string }) {
  return (
    <Show when={props.when}>
      <p class="busy" role="status">
        <span class="spinner" aria-hidden="true" />
        {props.text}
      </p>
    </Show>
  );
}
