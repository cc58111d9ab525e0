// The Simplified Chinese twin of messages.ts: the same sentence for the same error, for a VS Code
// whose display language is zh-cn. The client stays free of `vscode`, so the glue picks the locale.
// Server text and product names pass through untranslated (they are quoted, not paraphrased).
import { arrivedSoFar, sizeInBytes, type ErrorFacts } from './errorFacts';

/** The provider's (English) name or the server; a Latin name gets a space before the Chinese that follows. */
function where(e: ErrorFacts): string {
  return e.providerLabel ? `${e.providerLabel} ` : at(e);
}

function at(e: ErrorFacts): string {
  return e.host ? `位于 ${e.host} 的服务器` : '服务器';
}

function quoted(text: string | undefined): string {
  if (!text) return '';
  return `（“${text.replace(/[.\s。]+$/, '')}”）`;
}

function seconds(ms: number | undefined): string {
  if (!ms) return '允许的时间';
  return `${Math.round(ms / 100) / 10} 秒`;
}

function sizeText(chars: number | undefined): string {
  return chars ? sizeInBytes(chars) : '大小上限';
}

function kept(e: ErrorFacts): string {
  return arrivedSoFar(e) ? '，已收到的内容已保留' : '';
}

function model(e: ErrorFacts): string {
  return e.model ? `“${e.model}”` : '此模型';
}

function networkSentence(e: ErrorFacts): string {
  const host = e.host ?? '服务器';
  const via = e.proxy ? `（经由代理 ${e.proxy}）` : '';
  switch (e.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return `找不到 ${host}${via}：请检查网络连接、DNS 或代理设置。`;
    case 'ECONNREFUSED':
      return e.proxy ? `代理 ${e.proxy} 拒绝了连接：请检查代理设置。` : `${at(e)}拒绝了连接：请检查地址，并确认服务器正在运行。`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `与 ${host} 的连接${via}在回答到达前被重置${kept(e)}；请重试。`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENETDOWN':
      return `从当前网络${via}无法访问${at(e)}：请检查网络连接。`;
    case 'ETIMEDOUT':
      return `连接 ${host}${via} 超时：请检查网络连接或代理。`;
    default:
      if (e.code && /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_OSSL_|HOSTNAME_MISMATCH|EPROTO)/.test(e.code)) {
        return `与 ${host} 的安全连接失败（${e.code}）：可能有代理或防火墙在拦截 HTTPS，请检查代理和证书设置。`;
      }
      return `发往 ${host} 的网络请求失败${e.code ? `（${e.code}）` : ''}${via}${kept(e)}；请检查网络连接后重试。`;
  }
}

/** The one Simplified Chinese sentence for an error. */
export function describeErrorZhCn(e: ErrorFacts): string {
  switch (e.kind) {
    case 'missing-key':
      return `尚未为 ${where(e)}设置 API 密钥：请用“Qwen: 设置 API 密钥”设置（未发送任何内容）。`;
    case 'auth':
      return e.provider?.startsWith('dashscope-')
        ? `${where(e)}拒绝了 API 密钥：请设置有效的密钥，或选择创建该密钥的地域（密钥只在其所属地域有效）。`
        : `${where(e)}拒绝了 API 密钥：请用“Qwen: 设置 API 密钥”设置有效的密钥。`;
    case 'billing':
      return `${where(e)}拒绝了请求，因为账户欠费或余额不足：请在该平台检查账单。`;
    case 'quota':
      return `${where(e)}上${model(e)}的配额暂时已用完：请稍候，或检查你的套餐。`;
    case 'rate-limit':
      return `${where(e)}正在限制请求频率：请稍等片刻再试。`;
    case 'content-filter':
      if (e.filtered === 'output') return `${where(e)}的内容审核中止了回答${kept(e)}；请换一种说法后重试。`;
      return `${where(e)}的内容审核标记了这段对话：请删除被标记的消息，否则之后的每个请求都会被拒绝。`;
    case 'bad-parameter':
      return `${where(e)}拒绝了一个请求参数${quoted(e.serverMessage)}：请检查模型和设置。`;
    case 'context-length':
      return `对话对${model(e)}来说太长了${quoted(e.serverMessage)}：请缩短历史记录或开始新的对话。`;
    case 'model-not-found':
      return `${where(e)}不提供模型“${e.model ?? ''}”：请选择其他模型。`;
    case 'access-denied':
      return `${where(e)}拒绝了此 API 密钥${e.model ? `对“${e.model}”` : ''}的访问${quoted(e.serverMessage)}：请检查密钥的权限。`;
    case 'endpoint-not-found':
      return `${at(e)}在此地址上没有兼容 OpenAI 的对话接口：请检查基础 URL（通常以 /v1 结尾）。`;
    case 'server':
      return `${where(e)}发生服务器错误${e.status ? `（HTTP ${e.status}）` : ''}${kept(e)}；请稍后重试。`;
    case 'network':
      return networkSentence(e);
    case 'timeout':
      if (e.timeoutPhase === 'no-event') return `${at(e)}已有 ${seconds(e.timeoutMs)}只发送保活消息${kept(e)}；请重试，或调大空闲超时。`;
      return e.timeoutPhase === 'idle'
        ? `回答已有 ${seconds(e.timeoutMs)}没有继续到达${kept(e)}；请重试，或调大空闲超时。`
        : `${at(e)}在 ${seconds(e.timeoutMs)}内没有响应：请重试，或调大首字节超时。`;
    case 'proxy':
      if (e.code === 'proxy-authentication-required') return '代理要求身份验证：请在设置中检查代理地址和凭据。';
      if (e.code === 'html-response') return `返回的是一个网页${e.status ? `（HTTP ${e.status}）` : ''}而不是 API 回答，可能来自代理、防火墙或登录门户：请检查代理和基础 URL 设置。`;
      return `代理${e.proxy ? ` ${e.proxy} ` : ''}无法建立到${at(e)}的连接：请检查代理设置。`;
    case 'stream-error':
      return `${where(e)}在回答中途报告了错误${quoted(e.serverMessage)}${kept(e)}。`;
    case 'dropped':
      return `回答完成前连接已关闭${kept(e)}；可以让它继续，或重试。`;
    case 'aborted':
      return `请求已停止${kept(e)}。`;
    case 'invalid-response':
      return `${where(e)}返回的不是有效的对话回答${kept(e)}：请检查基础 URL 和模型。`;
    case 'too-large':
      return e.code === 'line'
        ? `${where(e)}发送了超过 ${sizeText(e.sizeLimit)} 仍未结束的一行数据，已停止读取${kept(e)}。`
        : `来自${where(e)}的回答超过了 Qwen Coder 最多保留的 ${sizeText(e.sizeLimit)}，已停止读取${kept(e)}。`;
    case 'config':
      if (e.code === 'base-url-credentials') return 'qwen.baseUrl 中的地址包含用户名或密码，这些信息不会被发送：请将其删除，并用“Qwen: 设置 API 密钥”把密钥保存到 VS Code 的机密存储中（未发送任何内容）。';
      return `连接设置不完整${quoted(e.serverMessage)}：请检查 qwen.provider 和 qwen.baseUrl。`;
  }
}
