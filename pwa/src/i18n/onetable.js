// The county's one table (一张表) for reporting to the level above.
// Simplified Chinese first, English second; the same keys in both (tests-unit/i18n.test.mjs).
import { addMessages } from './core.js';

export default addMessages({
  zh: {
    oneTable: {
      title: '向上级报送（一张表）',
      intro:
        '每位第一书记一行：履职清单（如“八个一”）完成情况、驻村天数和补贴、群众满意度测评、考评得分和等次。表里每一项都取自系统里已有的记录，不需要任何人再填一遍。',
      month: '驻村天数统计',
      wholeYear: '全年（截至本月）',
      monthN: '{m}月',
      download: '下载一张表',
      downloaded: '已下载 {name}',
      columns: '表里各项从哪里来（共 {n} 项）',
      from: '来自',
      noReentry: '无需再填',
      platform: '省级平台可通过数据接口直接读取同一张表，无需县里另行整理。',
    },
  },
  en: {
    oneTable: {
      title: 'Report upward (one table)',
      intro:
        'One row per first secretary: the duty checklist, stationed days and allowance, the satisfaction poll, the assessment score and grade. Every value comes from records the system already holds; nobody enters anything again.',
      month: 'Stationed days for',
      wholeYear: 'The whole year (to this month)',
      monthN: 'Month {m}',
      download: 'Download the table',
      downloaded: 'Downloaded {name}',
      columns: 'Where each column comes from ({n})',
      from: 'From',
      noReentry: 'Not entered again',
      platform: 'The provincial platform can read the same table through the data interface; the county prepares nothing by hand.',
    },
  },
});
