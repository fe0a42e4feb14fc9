KB_SEARCH.shard(["do",{"done":[0,1,1,1,2,1],"donor":[1,8]}]);
