// The official openai client for our own engines (LMDeploy, vLLM, Ollama, TEI…).
import OpenAI from 'openai';

export function openAIClient(o: { baseURL: string; apiKey?: string; timeoutMs: number; maxRetries: number }): OpenAI {
  return new OpenAI({
    baseURL: o.baseURL,
    apiKey: o.apiKey ?? 'none',
    // Never forward OPENAI_ORG_ID / OPENAI_PROJECT_ID from the environment to our own servers.
    organization: null,
    project: null,
    timeout: o.timeoutMs,
    maxRetries: o.maxRetries,
  });
}
