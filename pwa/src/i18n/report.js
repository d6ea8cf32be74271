// Party members' and villagers' problem reports (反映问题).
// Simplified Chinese first, English second; the same keys in both (tests-unit/i18n.test.mjs).
import { addMessages } from './core.js';

export default addMessages({
  zh: {
    report: {
      title: '反映问题',
      hint: '您反映的问题会进入第一书记的问题台账，处理进展可在“我反映的问题”中查看。没有网络时会先保存在手机上，联网后自动提交。',
      problemTitle: '问题标题',
      problemTitlePlaceholder: '例如：村口路灯不亮',
      description: '详细描述',
      descriptionPlaceholder: '时间、地点、具体情况',
      problemTitleRequired: '请填写问题标题',
      tooLong: '不能超过 {n} 个字',
      myProblems: '我反映的问题',
      saved: '已提交，第一书记会尽快处理',
      savedOffline: '已保存在手机上，联网后自动提交',
      notSentYet: '尚未发送（{n}）',
      waitingSend: '等待发送',
      sending: '正在发送…',
      sendFailed: '发送失败',
      sendNow: '立即发送',
      discard: '删除',
      reported: '已反映的问题',
      progressNotes: '处理进展（{n}）',
      status: {
        OPEN: '待处理',
        IN_PROGRESS: '处理中',
        RESOLVED: '已解决',
        CLOSED: '已关闭',
      },
    },
  },
  en: {
    report: {
      title: 'Report a problem',
      hint: 'Your report goes to the first secretary’s problem ledger; follow it under “My reports”. Offline, it is kept on the phone and sent later.',
      problemTitle: 'Title',
      problemTitlePlaceholder: 'e.g. street light at the village gate is out',
      description: 'Details',
      descriptionPlaceholder: 'When, where, what happened',
      problemTitleRequired: 'Enter a title',
      tooLong: 'At most {n} characters',
      myProblems: 'My reports',
      saved: 'Sent — the first secretary will handle it',
      savedOffline: 'Saved on the phone; it will be sent when online',
      notSentYet: 'Not sent yet ({n})',
      waitingSend: 'Waiting',
      sending: 'Sending…',
      sendFailed: 'Failed',
      sendNow: 'Send now',
      discard: 'Delete',
      reported: 'Reported problems',
      progressNotes: 'Progress ({n})',
      status: {
        OPEN: 'Open',
        IN_PROGRESS: 'In progress',
        RESOLVED: 'Resolved',
        CLOSED: 'Closed',
      },
    },
  },
});
