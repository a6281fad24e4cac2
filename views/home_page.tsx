import type { ComponentChildren } from "preact";
import { Layout, type Theme } from "./layout.tsx";
import { GenerateForm, type GenerateFormProps } from "./generate_form.tsx";
import { type ErrorView, ResultPanel, type ResultView } from "./result_panel.tsx";
import { ChatPanel, type ChatPanelProps, Composer } from "./chat_panel.tsx";
import { ModeTabs } from "./mode_tabs.tsx";

/** Props of the main page. */
export interface HomePageProps extends GenerateFormProps {
  result?: ResultView;
  /** Shown instead of the result panel (a picture's reading). */
  panel?: ComponentChildren;
  error?: ErrorView;
  chat?: ChatPanelProps;
  ollama: { reachable: boolean; url: string };
  theme?: Theme;
  path?: string;
  /** Show the logout button (the server asks for AUTH_TOKEN). */
  logout?: boolean;
}

/**
 * The main page: mode tabs, the form, and the result beside it; in Chat the conversation with
 * its message box (first on a phone, so the box sits under the conversation).
 */
export function HomePage(props: HomePageProps) {
  const chat = props.form.mode === "chat";
  return (
    <Layout
      title="Promptsmith — image prompts from your ideas"
      current="home"
      ollama={props.ollama}
      theme={props.theme}
      path={props.path}
      logout={props.logout}
    >
      <ModeTabs mode={chat ? "chat" : "oneshot"} />
      <div class={chat ? "workspace chat-mode" : "workspace"}>
        <GenerateForm {...props} />
        {chat
          ? (
            <div class="chat-column">
              {props.chat && <ChatPanel {...props.chat} error={props.error ?? props.chat.error} />}
              <Composer draft={props.form.input} />
            </div>
          )
          : props.panel ?? <ResultPanel result={props.result} error={props.error} />}
      </div>
    </Layout>
  );
}
