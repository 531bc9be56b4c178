import { render } from "solid-js/web";
import { App } from "./App";
import "./styles.css";
// Sets <html data-theme> before the first render, so the window never flashes light.
import "./lib/theme/theme";

const root = document.getElementById("root");
if (root) render(() => <App />, root);
