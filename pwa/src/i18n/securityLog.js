// The county's security log (安全审计, 等级保护 2.0).
// Simplified Chinese first, English second; the same keys in both (tests-unit/i18n.test.mjs).
import { addMessages } from './core.js';

export default addMessages({
  zh: {
    securityLog: {
      title: '安全审计',
      intro: '本县的登录、登录失败、锁定、账号和设置变更、导出和批量查看个人信息的记录。记录防篡改，按县级设置保存（不少于六个月）。',
      kind: '类型',
      all: '全部',
      groups: {
        LOGIN: '登录',
        FAILED: '登录失败',
        LOCKED: '锁定',
        PERMISSION: '权限变更',
        EXPORT: '导出',
        BULK_READ: '批量查看',
      },
      from: '开始日期',
      to: '结束日期',
      person: '人员：{name}',
      clearPerson: '取消人员筛选',
      onlyThisPerson: '只看{name}',
      actor: '操作人',
      subject: '涉及账号',
      unknownActor: '未知（未登录）',
      failed: '被拒绝',
      list: '安全事件',
      download: '导出 Excel',
      downloaded: '已下载 {name}',
      downloadNote: '导出按当前筛选条件，导出本身也会记入安全审计。',
    },
  },
  en: {
    securityLog: {
      title: 'Security audit',
      intro:
        "The county's logins, failed logins, lockouts, account and settings changes, exports and bulk reads of personal data. Tamper-evident, kept as the county's setting says (at least six months).",
      kind: 'Kind',
      all: 'All',
      groups: {
        LOGIN: 'Logins',
        FAILED: 'Failed logins',
        LOCKED: 'Lockouts',
        PERMISSION: 'Permission changes',
        EXPORT: 'Exports',
        BULK_READ: 'Bulk reads',
      },
      from: 'From',
      to: 'To',
      person: 'Person: {name}',
      clearPerson: 'Clear the person filter',
      onlyThisPerson: 'Only {name}',
      actor: 'By',
      subject: 'Account',
      unknownActor: 'Unknown (not logged in)',
      failed: 'Refused',
      list: 'Security events',
      download: 'Export to Excel',
      downloaded: 'Downloaded {name}',
      downloadNote: 'The export follows the filters; the export itself is recorded too.',
    },
  },
});
