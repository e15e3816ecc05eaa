// Every user-visible string of the UI in English and Korean, and the functions that pick a
// language and fill in a message. Pure: no React, no DOM, no Next.
import { classroomEn } from './i18n-classroom';
import { classroomKo } from './i18n-classroom-ko';
import { uxEn, uxKo } from './i18n-ux';

/** The languages the UI speaks. */
export const LANGS = ['en', 'ko'] as const;
export type Lang = (typeof LANGS)[number];

/** The language used when nothing better is known. */
export const DEFAULT_LANG: Lang = 'en';

/** localStorage key (and cookie name) holding the language the user picked. */
export const LANG_STORAGE_KEY = 'pier-lang';

const en = {
  'app.name': 'pier',
  'app.tagline': 'A real Linux sandbox in your browser, ready in under a second.',

  'header.language': 'Language',
  'header.theme': 'Theme',
  'header.themeDark': 'Dark theme',
  'header.themeLight': 'Light theme',
  'header.home': 'pier home',

  'home.intro':
    'A root shell in your own sandbox, several nodes on a private network, and live resource stats. Nothing to install.',
  'home.start': 'Start a playground',
  'home.starting': 'Starting your sandbox…',
  'home.startHint': 'A playground lasts a limited time; you can extend it while it runs.',
  'home.lessonsTitle': 'Lessons',
  'home.lessonsComing':
    'Lessons are coming: step-by-step Markdown lessons beside the terminal, checked automatically inside your sandbox.',

  'error.RATE_LIMITED': 'Too many playgrounds were started from here. Wait a minute, then try again.',
  'error.UNAVAILABLE': 'The server is at capacity right now. Try again in a few minutes.',
  'error.NODE_LIMIT': 'This playground already has the most nodes it may have.',
  'error.TERMINAL_LIMIT': 'This node already has the most terminals it may have.',
  'error.SESSION_NOT_FOUND': 'This playground does not exist or has already ended.',
  'error.INVALID_REQUEST': 'The server did not accept this request.',
  'error.NETWORK': 'Could not reach the server. Check your connection and try again.',
  'error.SUBDOMAIN_UNAVAILABLE': 'A port gets its own host only when pier is opened by a host name (such as localhost), not an IP address.',
  'error.LESSON_NOT_FOUND': 'There is no lesson with this name.',
  'error.SOLVE_DISABLED': 'This lesson does not allow solving steps automatically.',
  'error.STEP_LOCKED': 'Pass the step before this one first.',
  'error.LESSON_NOT_READY': 'The lesson is still being prepared. Wait a moment.',
  'error.UNKNOWN': 'Something went wrong: {message}',

  'page.errorTitle': 'Something went wrong',
  'page.errorBody': 'The page hit an unexpected error. Trying again usually helps.',
  'page.retry': 'Try again',
  'page.notFoundTitle': 'Page not found',
  'page.notFoundBody': 'There is nothing at this address.',
  'page.backHome': 'Back to the start page',
  'page.loading': 'Loading…',

  'play.loading': 'Opening your playground…',
  'play.timeLeft': 'Time left',
  'play.internet': 'Internet',
  'play.offline': 'Offline',
  'play.internetTitle': 'The nodes of this playground can reach the internet.',
  'play.offlineTitle': 'No internet: apt, curl and pulls of images that are not shipped fail. An admin can enable internet.',
  'play.extend': 'Extend',
  'play.extending': 'Extending…',
  'play.cannotExtend': 'This playground cannot be extended any further.',
  'play.expiringSoon': 'This playground ends in {time}. Save anything you need.',
  'play.endSession': 'End session',
  'play.endConfirm': 'End this playground? All nodes and their files are deleted.',
  'play.endYes': 'End it',
  'play.cancel': 'Cancel',
  'play.ending': 'Ending…',
  'play.eventsReconnecting': 'Live updates lost; reconnecting…',

  'ended.title': 'Session ended',
  'ended.expired': 'The playground reached the end of its time.',
  'ended.idle': 'The playground was closed after being idle for too long.',
  'ended.ended': 'The playground was ended.',
  'ended.error': 'The playground stopped because of a server error.',
  'ended.startNew': 'Start a new playground',

  'nodes.title': 'Nodes',
  'nodes.add': 'Add node',
  'nodes.adding': 'Adding…',
  'nodes.max': 'At most {max} nodes',
  'nodes.reset': 'Reset',
  'nodes.resetConfirm': 'Reset {node}? Its files and processes are lost.',
  'nodes.resetYes': 'Reset',
  'nodes.status.starting': 'starting',
  'nodes.status.running': 'running',
  'nodes.status.resetting': 'resetting',
  'nodes.status.error': 'error',

  'tabs.new': 'New terminal',
  'tabs.close': 'Close {title}',
  'tabs.none': 'No terminal is open on this node.',
  'tabs.open': 'Open a terminal',

  'term.connecting': 'connecting…',
  'term.reconnecting': 'reconnecting…',
  'term.exited': 'The shell exited.',
  'term.exitedCode': 'The shell exited with code {code}.',
  'term.closed': 'This terminal was closed.',
  'term.readOnly': 'read-only',
  'term.error': 'Terminal error: {message}',

  'stats.title': 'Resources',
  'stats.memory': 'Memory',
  'stats.cpu': 'CPU',
  'stats.pids': 'Processes',
  'stats.disk': 'Disk',
  'stats.waiting': 'Waiting for the first sample…',
  'stats.namespaces': 'Namespaces',
  'stats.ports': 'Open ports',
  'stats.noPorts': 'Nothing listens on a TCP port yet.',
  'stats.portLink': 'Open port {port} of {node} in a new tab',
  'stats.portSubdomain': 'as a site',
  'stats.portSubdomainTitle': 'Open port {port} of {node} as a site of its own (its own address), for apps that need the root path (/)',
  'stats.portSubdomainIp': 'A port opens as a site of its own only when pier is opened by a name such as localhost, not an IP address',
  'stats.portSubdomainFailed': 'Could not open port {port} as a site: {reason}',
  'stats.address': 'Address',

  'lesson.title': 'Lesson',
  'lesson.show': 'Show the lesson pane',
  'lesson.hide': 'Hide the lesson pane',
  'lesson.none': 'No lesson is attached to this playground.',
  'lesson.loading': 'Loading the lesson…',
  'lesson.loadFailed': 'Could not load the lesson: {reason}',
  'lesson.intro': 'Introduction',
  'lesson.begin': 'Begin',
  'lesson.steps': 'Steps',
  'lesson.stepOf': 'Step {n} of {total}',
  'lesson.progress': '{passed} of {total} steps passed',
  'lesson.locked': 'Pass the step before it first',
  'lesson.check': 'Check',
  'lesson.checking': 'Checking…',
  'lesson.passed': 'Passed. Well done!',
  'lesson.solvedWithHelp': 'Done with Solve (solved with help, not counted as your own pass).',
  'lesson.solvedMark': 'solved with help',
  'lesson.notYet': 'Not yet:',
  'lesson.failedNoReason': 'The check did not pass.',
  'lesson.hints': 'Hints',
  'lesson.timedOut': 'The check took too long and was stopped.',
  'lesson.watching': 'This step checks itself while you work…',
  'lesson.solve': 'Solve',
  'lesson.solving': 'Solving…',
  'lesson.solution': 'Solution',
  'lesson.next': 'Next step',
  'lesson.prev': 'Previous',
  'lesson.toFinish': 'Finish',
  'lesson.noCheck': 'Nothing to check in this step: go on when you are ready.',
  'lesson.finished': 'Lesson complete',
  'lesson.copied': 'copied',
  'lesson.copyFailed': 'could not copy',
  'lesson.runHint': 'Click to run in the terminal',
  'lesson.copyHint': 'Click to copy',
  'lesson.writeHint': 'Click to write this into {file}',
  'lesson.written': 'written',
  'lesson.writeFailed': 'could not write',
  'lesson.preparing': 'Preparing your lesson…',
  'lesson.setupFailed': 'Setting up the lesson failed: {message}',
  'lesson.setupFailedHelp': 'Reset the node or start the lesson again from the home page.',
  'lesson.nodeMissing': 'This lesson needs {node}, which this playground does not have.',

  'course.title': 'Course',
  'course.loading': 'Loading the course…',
  'course.loadFailed': 'Could not load the course: {reason}',
  'course.empty': 'No lessons are installed on this server.',
  'course.start': 'Start',
  'course.continue': 'Continue',
  'course.review': 'Review',
  'course.starting': 'Starting…',
  'course.minutes': '{n} min',
  'course.progress': '{passed}/{steps} steps',
  'course.completed': 'Completed',
  'queue.place': 'The server is full: you are {place} in line',
  'queue.waiting': '({waiting} waiting).',
  'queue.auto': 'Keep this page open: it starts by itself when a place frees up.',
  'queue.cancel': 'Cancel',
  'course.completedWithHelp': 'Completed, {solved} solved with help',
  'course.solvedWithHelp': '{solved} solved with help',
  'course.notStarted': 'Not started',
  'course.requiresDocker': 'uses Docker',
  'course.difficulty.beginner': 'beginner',
  'course.difficulty.intermediate': 'intermediate',
  'course.difficulty.advanced': 'advanced',
  'course.freeTitle': 'Free playground',

  'preview.title': 'Author preview',
  'preview.live': 'Reloads when you save a file of the lesson.',
  'preview.reloaded': 'Reloaded at {time}',
  'preview.loadFailed': 'Could not load the lesson: {reason}',
  'preview.finish': 'Finish page',
  'preview.check': 'check',
  'preview.watch': 'watch',
  'preview.node': 'runs in {node}',
  'preview.open': 'Open it in a playground',
  'preview.tryIt': 'Try it',
  'preview.tryItName': 'Try {title} in a playground',
  'preview.language': 'Lesson language',
  'preview.lessons': 'Lessons',
  ...classroomEn,
  ...uxEn,
} as const;

/** A key of the message dictionary. */
export type MessageKey = keyof typeof en;

const ko: Record<MessageKey, string> = {
  'app.name': 'pier',
  'app.tagline': '브라우저에서 1초 안에 준비되는 진짜 리눅스 샌드박스.',

  'header.language': '언어',
  'header.theme': '테마',
  'header.themeDark': '어두운 테마',
  'header.themeLight': '밝은 테마',
  'header.home': 'pier 처음 화면',

  'home.intro':
    '나만의 샌드박스에서 쓰는 root 셸, 사설 네트워크로 이어진 여러 노드, 실시간 자원 통계. 설치할 것은 없습니다.',
  'home.start': '플레이그라운드 시작',
  'home.starting': '샌드박스를 준비하는 중…',
  'home.startHint': '플레이그라운드는 정해진 시간 동안 유지되며, 사용 중에 연장할 수 있습니다.',
  'home.lessonsTitle': '레슨',
  'home.lessonsComing':
    '레슨을 준비하고 있습니다. 터미널 옆에 단계별 마크다운 레슨이 열리고, 각 단계는 샌드박스 안에서 자동으로 확인됩니다.',

  'error.RATE_LIMITED': '이곳에서 너무 많은 플레이그라운드가 시작되었습니다. 1분 뒤에 다시 시도하세요.',
  'error.UNAVAILABLE': '지금은 서버가 가득 찼습니다. 몇 분 뒤에 다시 시도하세요.',
  'error.NODE_LIMIT': '이 플레이그라운드는 이미 최대 개수의 노드를 가지고 있습니다.',
  'error.TERMINAL_LIMIT': '이 노드는 이미 최대 개수의 터미널을 가지고 있습니다.',
  'error.SESSION_NOT_FOUND': '이 플레이그라운드는 없거나 이미 끝났습니다.',
  'error.INVALID_REQUEST': '서버가 이 요청을 받아들이지 않았습니다.',
  'error.NETWORK': '서버에 연결할 수 없습니다. 네트워크를 확인하고 다시 시도하세요.',
  'error.SUBDOMAIN_UNAVAILABLE': 'pier를 IP 주소가 아닌 호스트 이름(예: localhost)으로 열었을 때만 포트에 자체 주소가 생깁니다.',
  'error.LESSON_NOT_FOUND': '이 이름의 레슨은 없습니다.',
  'error.SOLVE_DISABLED': '이 레슨은 단계를 자동으로 풀 수 없게 되어 있습니다.',
  'error.STEP_LOCKED': '이 단계 앞의 단계를 먼저 통과하세요.',
  'error.LESSON_NOT_READY': '레슨을 아직 준비하는 중입니다. 잠시 기다리세요.',
  'error.UNKNOWN': '문제가 생겼습니다: {message}',

  'page.errorTitle': '문제가 생겼습니다',
  'page.errorBody': '예상하지 못한 오류가 났습니다. 다시 시도하면 대개 해결됩니다.',
  'page.retry': '다시 시도',
  'page.notFoundTitle': '페이지를 찾을 수 없습니다',
  'page.notFoundBody': '이 주소에는 아무것도 없습니다.',
  'page.backHome': '처음 화면으로',
  'page.loading': '불러오는 중…',

  'play.loading': '플레이그라운드를 여는 중…',
  'play.timeLeft': '남은 시간',
  'play.internet': '인터넷',
  'play.offline': '오프라인',
  'play.internetTitle': '이 플레이그라운드의 노드는 인터넷에 연결됩니다.',
  'play.offlineTitle': '인터넷이 없습니다: apt, curl, 기본 제공되지 않는 이미지 받기는 실패합니다. 관리자가 인터넷을 켤 수 있습니다.',
  'play.extend': '연장',
  'play.extending': '연장하는 중…',
  'play.cannotExtend': '이 플레이그라운드는 더 연장할 수 없습니다.',
  'play.expiringSoon': '이 플레이그라운드는 {time} 뒤에 끝납니다. 필요한 것은 미리 저장하세요.',
  'play.endSession': '세션 종료',
  'play.endConfirm': '이 플레이그라운드를 끝낼까요? 모든 노드와 파일이 삭제됩니다.',
  'play.endYes': '종료',
  'play.cancel': '취소',
  'play.ending': '종료하는 중…',
  'play.eventsReconnecting': '실시간 정보 연결이 끊겼습니다. 다시 연결하는 중…',

  'ended.title': '세션이 끝났습니다',
  'ended.expired': '플레이그라운드의 사용 시간이 끝났습니다.',
  'ended.idle': '오랫동안 사용하지 않아 플레이그라운드를 닫았습니다.',
  'ended.ended': '플레이그라운드를 종료했습니다.',
  'ended.error': '서버 오류로 플레이그라운드가 멈췄습니다.',
  'ended.startNew': '새 플레이그라운드 시작',

  'nodes.title': '노드',
  'nodes.add': '노드 추가',
  'nodes.adding': '추가하는 중…',
  'nodes.max': '노드는 최대 {max}개',
  'nodes.reset': '초기화',
  'nodes.resetConfirm': '{node}을(를) 초기화할까요? 파일과 프로세스가 모두 사라집니다.',
  'nodes.resetYes': '초기화',
  'nodes.status.starting': '시작 중',
  'nodes.status.running': '실행 중',
  'nodes.status.resetting': '초기화 중',
  'nodes.status.error': '오류',

  'tabs.new': '새 터미널',
  'tabs.close': '{title} 닫기',
  'tabs.none': '이 노드에 열린 터미널이 없습니다.',
  'tabs.open': '터미널 열기',

  'term.connecting': '연결하는 중…',
  'term.reconnecting': '다시 연결하는 중…',
  'term.exited': '셸이 종료되었습니다.',
  'term.exitedCode': '셸이 코드 {code}(으)로 종료되었습니다.',
  'term.closed': '이 터미널은 닫혔습니다.',
  'term.readOnly': '읽기 전용',
  'term.error': '터미널 오류: {message}',

  'stats.title': '자원',
  'stats.memory': '메모리',
  'stats.cpu': 'CPU',
  'stats.pids': '프로세스',
  'stats.disk': '디스크',
  'stats.waiting': '첫 측정값을 기다리는 중…',
  'stats.namespaces': '네임스페이스',
  'stats.ports': '열린 포트',
  'stats.noPorts': '아직 TCP 포트를 여는 프로그램이 없습니다.',
  'stats.portLink': '{node}의 {port}번 포트를 새 탭에서 열기',
  'stats.portSubdomain': '사이트로 열기',
  'stats.portSubdomainTitle': '루트 경로(/)가 필요한 앱을 위해 {node}의 {port}번 포트를 별도 주소의 사이트로 열기',
  'stats.portSubdomainIp': 'pier를 IP 주소가 아닌 이름(예: localhost)으로 열었을 때만 포트를 사이트로 열 수 있습니다',
  'stats.portSubdomainFailed': '{port}번 포트를 사이트로 열지 못했습니다: {reason}',
  'stats.address': '주소',

  'lesson.title': '레슨',
  'lesson.show': '레슨 창 보이기',
  'lesson.hide': '레슨 창 숨기기',
  'lesson.none': '이 플레이그라운드에는 연결된 레슨이 없습니다.',
  'lesson.loading': '레슨을 불러오는 중…',
  'lesson.loadFailed': '레슨을 불러오지 못했습니다: {reason}',
  'lesson.intro': '소개',
  'lesson.begin': '시작하기',
  'lesson.steps': '단계',
  'lesson.stepOf': '{total}단계 중 {n}단계',
  'lesson.progress': '{total}단계 중 {passed}단계 통과',
  'lesson.locked': '앞 단계를 먼저 통과하세요',
  'lesson.check': '확인',
  'lesson.checking': '확인하는 중…',
  'lesson.passed': '통과했습니다. 잘했어요!',
  'lesson.solvedWithHelp': '풀이 보기로 완료했습니다 (직접 통과로 세지 않습니다).',
  'lesson.solvedMark': '풀이 보기로 완료',
  'lesson.notYet': '아직 아닙니다:',
  'lesson.failedNoReason': '확인을 통과하지 못했습니다.',
  'lesson.hints': '힌트',
  'lesson.timedOut': '확인이 너무 오래 걸려 중단했습니다.',
  'lesson.watching': '이 단계는 작업하는 동안 스스로 확인합니다…',
  'lesson.solve': '풀이 실행',
  'lesson.solving': '풀이를 실행하는 중…',
  'lesson.solution': '풀이',
  'lesson.next': '다음 단계',
  'lesson.prev': '이전',
  'lesson.toFinish': '마치기',
  'lesson.noCheck': '이 단계에는 확인할 것이 없습니다. 준비되면 넘어가세요.',
  'lesson.finished': '레슨 완료',
  'lesson.copied': '복사됨',
  'lesson.copyFailed': '복사하지 못함',
  'lesson.runHint': '클릭하면 터미널에서 실행합니다',
  'lesson.copyHint': '클릭하면 복사합니다',
  'lesson.writeHint': '클릭하면 이 내용을 {file}에 씁니다',
  'lesson.written': '저장됨',
  'lesson.writeFailed': '쓰지 못함',
  'lesson.preparing': '레슨을 준비하는 중…',
  'lesson.setupFailed': '레슨 준비에 실패했습니다: {message}',
  'lesson.setupFailedHelp': '노드를 초기화하거나 처음 화면에서 레슨을 다시 시작하세요.',
  'lesson.nodeMissing': '이 레슨에는 {node}이(가) 필요하지만 이 플레이그라운드에는 없습니다.',

  'course.title': '코스',
  'course.loading': '코스를 불러오는 중…',
  'course.loadFailed': '코스를 불러오지 못했습니다: {reason}',
  'course.empty': '이 서버에는 설치된 레슨이 없습니다.',
  'course.start': '시작',
  'course.continue': '이어서 하기',
  'course.review': '다시 보기',
  'course.starting': '시작하는 중…',
  'course.minutes': '{n}분',
  'course.progress': '{steps}단계 중 {passed}단계',
  'course.completed': '완료',
  'queue.place': '서버가 가득 찼습니다: 대기 {place}번째입니다',
  'queue.waiting': '({waiting}명 대기 중).',
  'queue.auto': '이 페이지를 열어 두면 자리가 나는 대로 자동으로 시작합니다.',
  'queue.cancel': '취소',
  'course.completedWithHelp': '완료 ({solved}단계는 풀이 보기로 완료)',
  'course.solvedWithHelp': '{solved}단계는 풀이 보기로 완료',
  'course.notStarted': '시작 전',
  'course.requiresDocker': 'Docker 사용',
  'course.difficulty.beginner': '입문',
  'course.difficulty.intermediate': '중급',
  'course.difficulty.advanced': '고급',
  'course.freeTitle': '자유 플레이그라운드',

  'preview.title': '작성자 미리보기',
  'preview.live': '레슨 파일을 저장하면 다시 불러옵니다.',
  'preview.reloaded': '{time}에 다시 불러옴',
  'preview.loadFailed': '레슨을 불러오지 못했습니다: {reason}',
  'preview.finish': '마침 페이지',
  'preview.check': '확인',
  'preview.watch': '자동 확인',
  'preview.node': '{node}에서 실행',
  'preview.open': '플레이그라운드에서 열기',
  'preview.tryIt': '직접 해 보기',
  'preview.tryItName': '플레이그라운드에서 {title} 해 보기',
  'preview.language': '레슨 언어',
  'preview.lessons': '레슨 목록',
  ...classroomKo,
  ...uxKo,
};

/** Both dictionaries; `ko` is typed against `en`'s keys so a missing key fails to compile. */
export const DICTIONARIES: Record<Lang, Record<MessageKey, string>> = { en, ko };

/** Values substituted into `{name}` placeholders. */
export type MessageParams = Record<string, string | number>;

/**
 * The message `key` in `lang`, with each `{name}` replaced by `params[name]`; a placeholder
 * without a value is left as written so the gap is visible rather than silent.
 */
export function translate(lang: Lang, key: MessageKey, params?: MessageParams): string {
  const template = DICTIONARIES[lang][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** Whether `value` names a language the UI speaks. */
export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

/**
 * The UI language for a browser language tag (`navigator.language`, "ko-KR") or an
 * `Accept-Language` header ("ko-KR,ko;q=0.9,en;q=0.8"): the first listed language the UI
 * speaks, else the default. Quality values are honoured; ties keep the listed order.
 */
export function langFromTags(tags: string | null | undefined): Lang {
  if (!tags) return DEFAULT_LANG;
  const ranked = tags
    .split(',')
    .map((part, index) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = rest.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const quality = q ? Number.parseFloat(q.slice(2)) : 1;
      return { base: tag.toLowerCase().split('-')[0] ?? '', quality: Number.isNaN(quality) ? 0 : quality, index };
    })
    .filter((entry) => entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const entry of ranked) if (isLang(entry.base)) return entry.base;
  return DEFAULT_LANG;
}

/**
 * The language to use: the user's saved choice if it is valid, else the browser's
 * preference (`navigator.language` or `Accept-Language`).
 */
export function pickLang(saved: string | null | undefined, browserTags: string | null | undefined): Lang {
  return isLang(saved) ? saved : langFromTags(browserTags);
}
