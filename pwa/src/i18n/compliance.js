// The county's filing dossier and self-assessment (备案材料与自评估).
// Simplified Chinese first, English second; the same keys in both (tests-unit/i18n.test.mjs).
import { addMessages } from './core.js';

export default addMessages({
  zh: {
    compliance: {
      title: '备案材料与自评估',
      intro:
        '按《政务移动互联网应用程序规范化管理办法》（国办函〔2026〕12号）和个人信息保护法，由本部署的实际配置生成。“未满足”的义务如实列出，备案前请整改或说明。',
      generated: '生成于 {time}',
      summary: '共 {n} 项义务',
      download: '下载备案材料（Markdown）',
      downloaded: '已下载 {name}',
      evidence: '佐证',
      functions: '功能清单（{n} 项）',
      personalInfo: '个人信息清单（{n} 张表）',
      components: '第三方组件 {n} 个：完整清单（版本、许可证）在下载的备案材料中。',
      whose: '涉及',
      why: '用途',
      whoSees: '谁能看到',
      kept: '保存',
      users: '使用者',
      collects: '采集',
      status: {
        MET: '已满足',
        PARTIAL: '部分满足',
        NOT_MET: '未满足',
        OPERATOR: '由运营单位落实',
      },
    },
  },
  en: {
    compliance: {
      title: 'Filing dossier and self-assessment',
      intro:
        'Under the 2026 rules for government mobile apps (Guobanhan [2026] No. 12) and the Personal Information Protection Law, generated from this deployment as configured. Obligations not met are listed as such: fix or explain them before filing.',
      generated: 'Generated {time}',
      summary: '{n} obligations',
      download: 'Download the dossier (Markdown)',
      downloaded: 'Downloaded {name}',
      evidence: 'Evidence',
      functions: 'Functions ({n})',
      personalInfo: 'Personal information ({n} tables)',
      components: '{n} third-party components: the full list (versions, licences) is in the downloaded dossier.',
      whose: 'Whose',
      why: 'Why',
      whoSees: 'Who sees it',
      kept: 'Kept',
      users: 'Used by',
      collects: 'Collects',
      status: {
        MET: 'Met',
        PARTIAL: 'Partly met',
        NOT_MET: 'Not met',
        OPERATOR: "Operator's duty",
      },
    },
  },
});
