import { Layout } from "./layout.tsx";
import { GenerateForm, type GenerateFormProps } from "./generate_form.tsx";
import { type ErrorView, ResultPanel, type ResultView } from "./result_panel.tsx";
import { ChatPanel, type ChatPanelProps } from "./chat_panel.tsx";
import { ModeTabs } from "./mode_tabs.tsx";

/** Props of the main page. */
export interface HomePageProps extends GenerateFormProps {
  result?: ResultView;
  error?: ErrorView;
  chat?: ChatPanelProps;
  ollama: { reachable: boolean; url: string };
}

/** The main page: mode tabs, the form, and the result or conversation beside it. */
export function HomePage(props: HomePageProps) {
  const chat = props.form.mode === "chat";
  return (
    <Layout
      title="Promptsmith — image prompts from your ideas"
      current="home"
      ollama={props.ollama}
    >
      <ModeTabs mode={chat ? "chat" : "oneshot"} />
      <div class="workspace">
        <GenerateForm {...props} />
        {chat
          ? <ChatPanel {...(props.chat ?? { messages: [] })} error={props.error} />
          : <ResultPanel result={props.result} error={props.error} />}
      </div>
    </Layout>
  );
}
