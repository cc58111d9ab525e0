// Types for the fixture answers module (plain .mjs so the generator can run without a build).
declare module '*/fixtures/answers.mjs' {
  export const EXPLAIN_CODE_PROMPT: string;
  export const EXPLAIN_CODE: string;
  export const EXPLAIN_ZH_PROMPT: string;
  export const EXPLAIN_ZH: string;
  export const THINKING_ZH_REASONING: string;
  export const THINKING_ZH_ANSWER: string;
  export const QWQ_REASONING: string;
  export const QWQ_ANSWER: string;
  export const AIMLAPI_REASONING: string;
  export const AIMLAPI_ANSWER: string;
  export const MAXTOKEN_ANSWER: string;
  export const VLLM_REASONING: string;
  export const VLLM_ANSWER: string;
  export const LENGTH_ANSWER: string;
  export const STREAM_ERROR_PARTIAL: string;
  export const OUTPUT_FILTER_PARTIAL: string;
  export const TOOL_QUESTION: string;
}
