import type { TemplateType } from '../db/schema.js';

/** What each prompt type is for, and the variables the signal pipeline hands it. */
export const TEMPLATE_TYPE_INFO: { template_type: TemplateType; description: string; variables: string[] }[] =
  [
    {
      template_type: 'system_message',
      description: 'The system message of every LLM call: persona, risk rules, answer discipline.',
      variables: ['strategy', 'symbol', 'now', 'today'],
    },
    {
      template_type: 'analysis',
      description: 'One call per timeframe: analyses price and indicators and gives a bias.',
      variables: [
        'symbol',
        'timeframe',
        'current_price',
        'indicators',
        'recent_candles',
        'strategy',
        'now',
        'today',
      ],
    },
    {
      template_type: 'consolidation',
      description: 'Combines the per-timeframe analyses into the final trade decision (the signal).',
      variables: [
        'symbol',
        'current_price',
        'indicators',
        'analyses',
        'timeframes',
        'strategy',
        'now',
        'today',
      ],
    },
  ];
